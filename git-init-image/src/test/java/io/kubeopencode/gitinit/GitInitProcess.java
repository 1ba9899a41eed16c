package io.kubeopencode.gitinit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs git-init as a real separate JVM with exactly its runtime class path and a clean environment. */
final class GitInitProcess {
  record Result(int exitCode, String stdout, String stderr, String terminationMessage, Duration took) {
    String output() {
      return stdout + stderr;
    }
  }

  private GitInitProcess() {}

  static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path home = Files.createDirectories(workDir.resolve("home"));
    Path terminationLog = workDir.resolve("termination-log");
    Files.deleteIfExists(terminationLog);
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", classPath(), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> processEnv = pb.environment();
    processEnv.clear();
    processEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    processEnv.put("HOME", home.toString());
    processEnv.put(EnvNames.GIT_TERMINATION_LOG, terminationLog.toString());
    processEnv.putAll(env);
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("git-init did not finish within 120 s");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String termination = Files.exists(terminationLog) ? Files.readString(terminationLog) : "";
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8), termination, took);
  }

  static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  /** The test JVM's java, or -Dgitinit.java (e.g. the image's jlinked runtime, to check its module list). */
  private static String javaBinary() {
    String configured = System.getProperty("gitinit.java", "");
    return configured.isBlank() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : configured;
  }

  private static String classPath() throws IOException {
    String classes = System.getProperty("gitinit.classes", "target/classes");
    Path cpFile = Path.of(System.getProperty("gitinit.runtimeClasspath", "target/runtime-classpath.txt"));
    return classes + java.io.File.pathSeparator + Files.readString(cpFile).strip();
  }
}
