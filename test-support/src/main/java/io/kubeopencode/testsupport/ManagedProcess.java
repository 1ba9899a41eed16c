package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A control-plane process started for tests, logging to a file, stopped with SIGTERM and then SIGKILL. */
final class ManagedProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logFile;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  static ManagedProcess start(String name, List<String> command, Path logFile) {
    return start(name, command, logFile, Map.of());
  }

  /** As {@link #start(String, List, Path)}, with these environment variables set (or replaced). */
  static ManagedProcess start(String name, List<String> command, Path logFile, Map<String, String> environment) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new ManagedProcess(name, process, logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command.getFirst(), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Fails with the end of the log when the process has exited (typically: bad flags or a port in use). */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; last log lines:\n"
          + logTail(30));
    }
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
