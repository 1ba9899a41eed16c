package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The containerd process of a private containerd: run with its {@code config.toml} and a PATH that finds the
 * provisioned shim and runc first, ready once its socket exists, stopped with SIGTERM and then SIGKILL.
 */
final class ContainerdDaemon implements AutoCloseable {
  private final ManagedProcess process;
  private final Path logFile;
  private final long launchedAt;

  private ContainerdDaemon(ManagedProcess process, Path logFile, long launchedAt) {
    this.process = process;
    this.logFile = logFile;
    this.launchedAt = launchedAt;
  }

  /** Starts containerd and returns at once; {@link #awaitSocket} says when it serves. */
  static ContainerdDaemon launch(ContainerdBinaries binaries, Path configFile, Path logFile) {
    long launchedAt = System.nanoTime();
    ManagedProcess process = ManagedProcess.start("containerd", List.of(binaries.containerd().toString(),
        "--config", configFile.toString()), logFile, Map.of("PATH", searchPath(binaries)));
    return new ContainerdDaemon(process, logFile, launchedAt);
  }

  /**
   * Waits until containerd has created {@code socket}; returns the time from launch. Fails with
   * {@link Reason#DID_NOT_START}, quoting the end of its log, when containerd exits first or after {@code timeout}
   * (a liveness limit).
   */
  Duration awaitSocket(Path socket, Duration timeout) {
    long deadline = launchedAt + timeout.toNanos();
    while (!Files.exists(socket)) {
      if (!process.isAlive()) {
        throw new ContainerdUnavailableException(Reason.DID_NOT_START, "containerd exited at start; its log ("
            + logFile + ") ends:\n" + process.logTail(20));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new ContainerdUnavailableException(Reason.DID_NOT_START, "no socket " + socket + " within "
            + timeout + "; its log (" + logFile + ") ends:\n" + process.logTail(20));
      }
      Await.sleep(10);
    }
    return Duration.ofNanos(System.nanoTime() - launchedAt);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() {
    process.close();
  }

  /** The provisioned binaries' directories first: containerd finds its shim, and the shim runc, on the PATH. */
  private static String searchPath(ContainerdBinaries binaries) {
    Set<String> dirs = new LinkedHashSet<>();
    for (Path binary : List.of(binaries.containerd(), binaries.shim(), binaries.runc())) {
      dirs.add(binary.getParent().toString());
    }
    dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    return String.join(":", dirs);
  }
}
