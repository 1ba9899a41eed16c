package io.kubeopencode.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A test class's {@code main} run in a fresh JVM, for what a shared test JVM cannot show: real environment
 * variables, SIGTERM, cold start-up. Collects stdout and stderr line by line.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> outDone;
  private final CompletableFuture<Void> errDone;

  private ChildJvm(Process process) {
    this.process = process;
    this.outDone = CompletableFuture.runAsync(() -> collect(process.inputReader(StandardCharsets.UTF_8), out));
    this.errDone = CompletableFuture.runAsync(() -> collect(process.errorReader(StandardCharsets.UTF_8), err));
  }

  static ChildJvm start(Class<?> mainClass, Map<String, String> env, List<String> jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmOptions);
    command.add(mainClass.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      return new ChildJvm(process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until stdout has a line starting with {@code prefix}; returns it. */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : out) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      if (!process.isAlive() && outDone.isDone()) {
        break;
      }
      sleep(20);
    }
    throw new AssertionError("no line starting with '" + prefix + "' within " + timeout + "; stdout: " + out
        + "; stderr: " + err);
  }

  /** Sends SIGTERM. (Through the handle: {@link Process#destroy()} would also close the output pipes.) */
  void terminate() {
    process.toHandle().destroy();
  }

  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("child JVM still running after " + timeout + "; stdout: " + out + "; stderr: "
            + err);
      }
      outDone.join();
      errDone.join();
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  List<String> stdout() {
    return List.copyOf(out);
  }

  List<String> stderr() {
    return List.copyOf(err);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static void collect(BufferedReader reader, List<String> lines) {
    try (BufferedReader r = reader) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process was killed; keep what was read
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
