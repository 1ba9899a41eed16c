package io.kubeopencode.images.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The benchmark's temporary directory: fixtures, kubeconfig, logs, containerd's state and each run's mounts. */
final class WorkDir {
  private final Path path;
  private int sequence;

  private WorkDir(Path path) {
    this.path = path;
  }

  /** Under /tmp, not a deep directory: containerd's socket path must stay under 108 bytes. */
  static WorkDir create() throws IOException {
    return new WorkDir(Files.createTempDirectory(Path.of("/tmp"), "image-startup"));
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  /** A new directory "prefix-N" (N counts over all prefixes) that the image's user can write to. */
  Path newWritableDirectory(String prefix) throws IOException {
    Path dir = Files.createDirectories(path.resolve(prefix + "-" + ++sequence));
    return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  /** Deletes the work directory, unless containerd left something mounted under it (then says so). */
  void deleteUnlessMounted() {
    try {
      String prefix = path.toAbsolutePath() + "/";
      List<String> mounted = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(line -> line.split(" ")[4]).filter(point -> point.startsWith(prefix)).toList();
      if (mounted.isEmpty()) {
        deleteRecursively(path);
      } else {
        System.err.printf("[bench] %s left in place: still mounted under it: %s%n", path, mounted);
      }
    } catch (IOException e) {
      System.err.printf("[bench] could not delete %s: %s%n", path, e);
    }
  }

  static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the run exited 0 but left no " + file);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
