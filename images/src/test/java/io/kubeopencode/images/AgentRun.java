package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the test images' programs as a real process with exactly the given environment; stdout and stderr are
 * read line by line while it runs, so a test can wait for a line and then signal it.
 */
final class AgentRun implements AutoCloseable {
  private final Process process;
  private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> readers = new ArrayList<>();

  private AgentRun(Process process) {
    this.process = process;
    readers.add(Thread.ofPlatform().daemon().start(() -> read(process.getInputStream(), stdout)));
    readers.add(Thread.ofPlatform().daemon().start(() -> read(process.getErrorStream(), stderr)));
  }

  static AgentRun start(Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    try {
      AgentRun run = new AgentRun(builder.start());
      run.process.getOutputStream().close();
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private static void read(InputStream in, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(read failed: " + e + ")");
    }
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  void awaitStdoutLine(String line) {
    Await.until("stdout line '" + line + "' of " + process.info().command().orElse("?") + "; so far: " + stdout
        + " / " + stderr, () -> stdout.contains(line));
  }

  /** Waits (a liveness limit only) for the exit and for both streams to be read to their end. */
  Result awaitExit() {
    try {
      if (!process.waitFor(Await.LIVENESS.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("still running after " + Await.LIVENESS + "; output so far: " + stdout + " / "
            + stderr);
      }
      for (Thread reader : readers) {
        reader.join(Await.LIVENESS.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Result(process.exitValue(), List.copyOf(stdout), List.copyOf(stderr));
  }

  /** Sends SIGTERM; fails unless it is still running. */
  void sigterm() {
    assertThat(process.isAlive()).as("alive before SIGTERM; output: %s / %s", stdout, stderr).isTrue();
    signal("TERM");
  }

  /**
   * Sends a signal with kill(1), if still running. Not {@link Process#destroy()}: it sends SIGTERM but also closes
   * the pipes, so what the process prints afterwards would be lost (and its next write ends it with SIGPIPE).
   */
  void signal(String name) {
    try {
      int code = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      if (code != 0 && process.isAlive()) {
        throw new AssertionError("kill -s " + name + " " + process.pid() + " failed with exit code " + code);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  record Result(int exitCode, List<String> stdout, List<String> stderr) {
    String stderrText() {
      return String.join("\n", stderr);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + stderrText();
    }
  }
}
