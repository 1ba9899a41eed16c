package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A container started by {@link Containerd#startContainer(Containerd.RunSpec)}: a {@code ctr run --rm} child process
 * whose stdout and stderr go to files. Stopping it sends a signal to the container's task ({@code ctr task kill});
 * ctr then exits with the container's exit code (128 + signal when a signal ended it) and removes the container.
 */
public final class RunningContainer implements AutoCloseable {
  private final Containerd containerd;
  private final String id;
  private final Containerd.RunSpec spec;
  private final Process ctr;
  private final Path stdoutFile;
  private final Path stderrFile;
  private final Path pidFile;
  private final long launchedAt;

  private RunningContainer(Containerd containerd, String id, Containerd.RunSpec spec, Process ctr, Path stdoutFile,
      Path stderrFile, Path pidFile, long launchedAt) {
    this.containerd = containerd;
    this.id = id;
    this.spec = spec;
    this.ctr = ctr;
    this.stdoutFile = stdoutFile;
    this.stderrFile = stderrFile;
    this.pidFile = pidFile;
    this.launchedAt = launchedAt;
  }

  static RunningContainer start(Containerd containerd, String id, Containerd.RunSpec spec, List<String> command,
      Path stdoutFile, Path stderrFile, Path pidFile) {
    ProcessBuilder builder = CtrClient.processBuilder(command)
        .redirectOutput(stdoutFile.toFile())
        .redirectError(stderrFile.toFile());
    long launchedAt = System.nanoTime();
    try {
      return new RunningContainer(containerd, id, spec, builder.start(), stdoutFile, stderrFile, pidFile, launchedAt);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.getFirst(), e);
    }
  }

  /** The container (and task) id. */
  public String id() {
    return id;
  }

  public Containerd.RunSpec spec() {
    return spec;
  }

  /** Whether {@code ctr run} still runs (it exits when the container does). */
  public boolean isRunning() {
    return ctr.isAlive();
  }

  /** The container's stdout so far. */
  public String stdout() {
    return read(stdoutFile);
  }

  /** The container's stderr so far (and ctr's own complaints). */
  public String stderr() {
    return read(stderrFile);
  }

  /** Time since {@code ctr run} was launched. */
  public Duration sinceLaunch() {
    return Duration.ofNanos(System.nanoTime() - launchedAt);
  }

  /** The host PID of the container's first process, once its task has started. */
  public OptionalLong pid() {
    String content = read(pidFile).strip();
    return content.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(content));
  }

  /** As {@link #awaitOutput(String, Duration)} with {@link Await#LIVENESS}. */
  public Duration awaitOutput(String text) {
    return awaitOutput(text, Await.LIVENESS);
  }

  /**
   * Waits until stdout or stderr contains {@code text}; returns the time from launch to when it was seen (for
   * start-up measurements: the resolution is the polling interval, 10 ms). Fails at once if the container exits
   * without writing it, and after {@code timeout} (a liveness limit).
   */
  public Duration awaitOutput(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean alive = ctr.isAlive();
      if (stdout().contains(text) || stderr().contains(text)) {
        return sinceLaunch();
      }
      if (!alive) {
        throw new AssertionError("container " + id + " exited (code " + ctr.exitValue() + ") without writing '"
            + text + "'; stdout: " + ChildProcesses.tail(stdout()) + "; stderr: " + ChildProcesses.tail(stderr()));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("container " + id + " did not write '" + text + "' within " + timeout
            + "; stdout: " + ChildProcesses.tail(stdout()) + "; stderr: " + ChildProcesses.tail(stderr()));
      }
      Await.sleep(10);
    }
  }

  /**
   * Sends a signal ({@code SIGTERM}, {@code SIGKILL}, ...) to the container's first process. Right after start the
   * task may not exist yet: it retries until it does or the container has exited.
   */
  public void signal(String signal) {
    long deadline = System.nanoTime() + Await.LIVENESS.toNanos();
    while (ctr.isAlive()) {
      CommandResult kill = containerd.ctr(Duration.ofSeconds(60), "tasks", "kill", "-s", signal, id);
      if (kill.exitCode() == 0) {
        return;
      }
      if (!kill.stderr().contains("not found") && !kill.stderr().contains("not running")
          && !kill.stderr().contains("process already finished")) {
        throw new IllegalStateException("ctr tasks kill -s " + signal + " " + id + " failed: "
            + kill.stderr().strip());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the task of container " + id + " did not appear within "
            + Await.LIVENESS + ": " + kill.stderr().strip());
      }
      Await.sleep(20);
    }
  }

  /** As {@link #stop(Duration)} with the spec's timeout as the grace period. */
  public CommandResult stop() {
    return stop(spec.timeout());
  }

  /**
   * SIGTERM, then SIGKILL if the container has not exited after {@code grace}; returns its exit code and output.
   */
  public CommandResult stop(Duration grace) {
    signal("SIGTERM");
    CommandResult result = awaitExit(grace);
    if (result == null) {
      kill();
      result = awaitExit(Await.LIVENESS);
      if (result == null) {
        throw new IllegalStateException("container " + id + " survived SIGKILL for " + Await.LIVENESS);
      }
    }
    return result;
  }

  /** SIGKILL to the container's processes (all of them). */
  public void kill() {
    signal("SIGKILL");
  }

  /** Waits up to {@code timeout} for the container to exit; its exit code and output, or null if it still runs. */
  public CommandResult awaitExit(Duration timeout) {
    try {
      if (!ctr.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for container " + id, e);
    }
    containerd.forget(this);
    return new CommandResult(ctr.exitValue(), stdout(), stderr());
  }

  /** Called by {@link Containerd#close()}: kills the container if it still runs, and its ctr process. */
  void abandon() {
    if (ctr.isAlive()) {
      try {
        kill();
      } catch (RuntimeException e) {
        // containerd may be gone already; the ctr process goes below
      }
      if (awaitExit(Duration.ofSeconds(30)) == null) {
        ctr.destroyForcibly();
      }
    }
    containerd.forget(this);
  }

  /** Stops the container (SIGTERM, then SIGKILL after the grace period) if it still runs. */
  @Override
  public void close() {
    if (ctr.isAlive()) {
      stop();
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
