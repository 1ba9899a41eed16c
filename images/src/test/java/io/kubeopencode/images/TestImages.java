package io.kubeopencode.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the build put the test images ({@code hack/images/test-images.sh}, run by Maven before the tests): the two
 * tars and the two static programs. Outside Maven the defaults are the module's {@code target/test-images} and
 * version {@code dev}.
 */
final class TestImages {
  static final String PAUSE_TAR = "kubeopencode-pause.tar";
  static final String AGENT_TAR = "kubeopencode-test-agent.tar";
  static final String PAUSE_REF = "kubeopencode/pause";
  static final String AGENT_REF = "kubeopencode/test-agent";

  private TestImages() {}

  static Path root() {
    return Path.of(System.getProperty("kubeopencode.root", "..")).toAbsolutePath().normalize();
  }

  static Path dir() {
    String dir = System.getProperty("test.images.dir");
    return dir != null ? Path.of(dir) : root().resolve("images/target/test-images");
  }

  static String version() {
    return System.getProperty("test.images.version", "dev");
  }

  static Path testAgent() {
    return existing(dir().resolve("bin/test-agent"));
  }

  static Path pause() {
    return existing(dir().resolve("bin/pause"));
  }

  static Path tar(String name) {
    return existing(dir().resolve(name));
  }

  static Path script() {
    return existing(root().resolve("hack/images/test-images.sh"));
  }

  /** The agent image's {@code /entrypoint.sh}, as committed. */
  static Path entrypointSource() {
    return existing(root().resolve("images/src/main/image/test-agent-entrypoint.sh"));
  }

  /** Runs the build script into {@code out} (the version of this build), failing with its output. */
  static void build(Path out, Path log) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of("bash", script().toString(), "--version", version(), out.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = process.waitFor();
    if (code != 0) {
      throw new AssertionError("test-images.sh failed with exit code " + code + ":\n" + Files.readString(log));
    }
  }

  private static Path existing(Path path) {
    if (!Files.exists(path)) {
      throw new UncheckedIOException(new IOException(path + " does not exist: build the module first ("
          + "./mvnw -pl images -am verify, or hack/images/test-images.sh " + dir() + ")"));
    }
    return path;
  }
}
