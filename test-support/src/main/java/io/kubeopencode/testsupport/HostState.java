package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** What a private containerd may change on the host, read from /proc: mounts, cgroup hierarchies, processes. */
final class HostState {
  private HostState() {}

  /** One line of /proc/self/mountinfo: where, and which file system type. */
  record MountEntry(Path mountPoint, String fsType) {}

  static List<MountEntry> mounts() {
    List<MountEntry> mounts = new ArrayList<>();
    for (String line : readLines(Path.of("/proc/self/mountinfo"))) {
      // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
      String[] fields = line.split(" ");
      int separator = Arrays.asList(fields).indexOf("-");
      if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
        continue;
      }
      mounts.add(new MountEntry(Path.of(unescape(fields[4])), fields[separator + 1]));
    }
    return mounts;
  }

  /** Mount points strictly below {@code dir}, deepest first (the order to unmount them in). */
  static List<Path> mountsUnder(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    return mounts().stream()
        .map(MountEntry::mountPoint)
        .filter(p -> p.startsWith(base) && !p.equals(base))
        .distinct()
        .sorted((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()))
        .toList();
  }

  /** The mount points of every cgroup (v1) and cgroup2 hierarchy. */
  static List<Path> cgroupHierarchies() {
    return mounts().stream()
        .filter(m -> m.fsType().equals("cgroup") || m.fsType().equals("cgroup2"))
        .map(MountEntry::mountPoint)
        .distinct()
        .toList();
  }

  /** Every cgroup directory in every hierarchy down to {@code depth} levels (for before/after comparisons). */
  static List<Path> cgroupDirectories(int depth) {
    List<Path> dirs = new ArrayList<>();
    for (Path hierarchy : cgroupHierarchies()) {
      try (Stream<Path> walk = Files.walk(hierarchy, depth)) {
        walk.filter(Files::isDirectory).forEach(dirs::add);
      } catch (IOException | UncheckedIOException e) {
        // a cgroup removed while walking: it is not there any more
      }
    }
    return dirs;
  }

  /** Live processes with {@code argument} as one of their command-line arguments (exactly). */
  static List<ProcessHandle> processesWithArgument(String argument) {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (Arrays.asList(cmdline.split("\0")).contains(argument)) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).filter(ProcessHandle::isAlive)
                .ifPresent(found::add);
          }
        } catch (IOException | RuntimeException gone) {
          // exited meanwhile
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** The effective user id of this JVM (from /proc/self/status). */
  static int effectiveUid() {
    for (String line : readLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
      }
    }
    throw new IllegalStateException("no Uid line in /proc/self/status");
  }

  /**
   * A /proc or cgroup file's content. Not {@code Files.readString}: on these machines' kernel (gVisor) it returns
   * the first byte only of such a file (their size reads as 0), e.g. "1" of kernel.panic's "10".
   */
  static String readPseudoFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as \ooo. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()
          && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
