package io.kubeopencode.contextinit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a role of the program as a separate JVM, with exactly its runtime class path, only the given environment
 * (nothing inherited), and stdout/stderr captured to files.
 */
public final class RoleProcess implements AutoCloseable {
  /** The flags the image uses: src/main/image/jvm-flags (one per line, '#' starts a comment). */
  public static final List<String> JVM_FLAGS = imageJvmFlags();
  private static final String MAIN = "io.kubeopencode.contextinit.Main";

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private RoleProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The finished run of a role. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  private static List<String> imageJvmFlags() {
    try {
      return Files.readAllLines(Path.of("src/main/image/jvm-flags")).stream()
          .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the image's JVM flags (run from the module directory)", e);
    }
  }

  public static RoleProcess start(Path logDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-cp");
    command.add(classpath());
    command.add(MAIN);
    command.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path out = Files.createTempFile(logDir, "stdout-", ".log");
    Path err = Files.createTempFile(logDir, "stderr-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return new RoleProcess(builder.start(), out, err);
  }

  /** Runs to completion (at most {@code timeout}) and returns exit code and output. */
  public static Result run(Path logDir, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    try (RoleProcess p = start(logDir, env, args)) {
      return p.awaitExit(timeout);
    }
  }

  public Process process() {
    return process;
  }

  public String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Waits until stdout or stderr contains {@code text}; fails if the process exits first or time runs out. */
  public void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(stdout() + stderr()).contains(text)) {
      assertThat(process.isAlive()).as("process exited early: %s%s", stdout(), stderr()).isTrue();
      assertThat(System.nanoTime()).as("timed out waiting for '%s' in %s", text, stdout()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  public Result awaitExit(Duration timeout) throws IOException, InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as("process still running after %s: %s%s", timeout, stdout(), stderr()).isTrue();
    return new Result(process.exitValue(), stdout(), stderr());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static String classpath() throws IOException {
    String classes = System.getProperty("contextinit.classes");
    String runtime = System.getProperty("contextinit.runtimeClasspath");
    assertThat(classes).as("system property contextinit.classes (set by the pom)").isNotNull();
    assertThat(runtime).as("system property contextinit.runtimeClasspath (set by the pom)").isNotNull();
    return classes + File.pathSeparator + Files.readString(Path.of(runtime)).strip();
  }
}
