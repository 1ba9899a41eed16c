package io.kubeopencode.controller.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller under test as its own OS process, started as {@code hack/run.sh} starts it: {@code java} with the
 * flags of {@code hack/service-jvm-flags}, {@code -jar controller-service/target/kubeopencode-controller.jar},
 * configured by environment variables. Its CPU time and memory come from {@code /proc/<pid>}.
 */
final class ControllerProcess implements AutoCloseable {
  /** The user agent of the controller's requests, so the API server's audit log tells them apart. */
  static final String USER_AGENT = "kubeopencode-controller-bench";

  private final Process process;
  private final Path log;
  private final long startedNanos;
  private final double clockTicksPerSecond;

  private ControllerProcess(Process process, Path log, long startedNanos, double clockTicksPerSecond) {
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
    this.clockTicksPerSecond = clockTicksPerSecond;
  }

  /**
   * Starts the controller against the cluster of {@code kubeconfig}, all namespaces, leader election on (its Lease in
   * {@code default}), the web server on 127.0.0.1 and a free port. {@code extraJvmFlags} go after the project's.
   */
  static ControllerProcess start(Path root, Path kubeconfig, List<String> extraJvmFlags) throws IOException {
    return start(root, root.resolve("controller-service/target/kubeopencode-controller.jar"), kubeconfig,
        extraJvmFlags);
  }

  /** As {@link #start(Path, Path, List)}, for a service's {@code jar} (the controller's or the cleanup-service's). */
  static ControllerProcess start(Path root, Path jar, Path kubeconfig, List<String> extraJvmFlags)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags(root.resolve("hack/service-jvm-flags")));
    command.addAll(extraJvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    Path log = Files.createTempFile("bench-controller", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of(
        "KUBECONFIG", kubeconfig.toString(),
        "KUBERNETES_USER_AGENT", USER_AGENT,
        "SERVER_HOST", "127.0.0.1", // benchmarks, like tests, listen on loopback only
        "SERVER_PORT", "0",
        "LEADER_ELECTION_LEASE_NAMESPACE", "default"));
    double ticks = clockTicks();
    long started = System.nanoTime();
    Process process = builder.start();
    ControllerProcess controller = new ControllerProcess(process, log, started, ticks);
    // Also when this JVM is stopped: the controller must not outlive the benchmark.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return controller;
  }

  /** The lines of {@code hack/service-jvm-flags} that are flags ('#' starts a comment), as run.sh reads them. */
  static List<String> jvmFlags(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }

  /** Whether the process is still running. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then waits up to {@code seconds} for the process to end; its exit code, or -1 if it did not end. */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  long pid() {
    return process.pid();
  }

  /** {@link System#nanoTime()} just before the process was started. */
  long startedNanos() {
    return startedNanos;
  }

  Path log() {
    return log;
  }

  /** User plus system CPU time so far (fields 14 and 15 of /proc/pid/stat, in clock ticks). */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / clockTicksPerSecond;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resident set size now (VmRSS), in MiB. */
  double rssMib() {
    return statusKib("VmRSS:") / 1024.0;
  }

  /** Peak resident set size (VmHWM), in MiB. */
  double peakRssMib() {
    return statusKib("VmHWM:") / 1024.0;
  }

  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the controller exited with code " + process.exitValue() + "; log: " + log);
    }
  }

  private long statusKib(String field) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(line -> line.startsWith(field))
          .mapToLong(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").strip()))
          .findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes()).strip();
      getconf.waitFor(10, TimeUnit.SECONDS);
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100; // USER_HZ on every Linux architecture the project runs on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  /** SIGTERM (the graceful shutdown), then SIGKILL after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
