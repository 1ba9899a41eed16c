package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.Iptables.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Puts back what a real node changed on the host, as a {@link HostSnapshot} taken before it started says, once its
 * processes are gone, its mounts unmounted and its bridge deleted: iptables tables, tunables, and the directories the
 * kubelet, libcni and kube-proxy created outside the node's work directory (or, where such a directory was there
 * before, the entries of this node in it).
 */
final class HostRestore {
  private HostRestore() {}

  static void restore(HostSnapshot before, Path podLogsDir, List<String> problems) {
    ContainerdTeardown.step(problems, "restoring iptables", () -> {
      Iptables.restore(Family.IPV4, before.iptables(), problems);
      Iptables.restore(Family.IPV6, before.ip6tables(), problems);
    });
    ContainerdTeardown.step(problems, "restoring sysctls", () -> restoreSysctls(before.sysctls(), problems));
    ContainerdTeardown.step(problems, "removing directories", () -> removeCreatedPaths(before, podLogsDir, problems));
  }

  /** ip_forward first: writing it resets every interface's {@code forwarding}, which are restored after it. */
  private static void restoreSysctls(Map<String, String> before, List<String> problems) {
    String forward = "net/ipv4/ip_forward";
    if (before.containsKey(forward)) {
      restore(forward, before.get(forward), problems);
    }
    before.forEach((key, value) -> {
      if (!key.equals(forward)) {
        restore(key, value, problems);
      }
    });
  }

  private static void restore(String key, String value, List<String> problems) {
    Path file = Path.of("/proc/sys").resolve(key);
    try {
      if (Files.exists(file) && !HostState.readPseudoFile(file).strip().equals(value)) {
        // Multi-value tunables are read tab-separated and written space-separated.
        Files.writeString(file, value.replace('\t', ' '));
      }
    } catch (IOException e) {
      problems.add("cannot restore sysctl " + key + " to " + value + ": " + e.getMessage());
    }
  }

  private static void removeCreatedPaths(HostSnapshot before, Path podLogsDir, List<String> problems) {
    for (Path path : HostSnapshot.WATCHED_PATHS) {
      if (before.paths().contains(path) || !Files.exists(path)) {
        continue;
      }
      if (!HostState.mountsUnder(path).isEmpty()) {
        problems.add(path + " was created by the node but has mounts under it: " + HostState.mountsUnder(path));
      } else {
        ContainerdTeardown.deleteRecursively(path, problems);
      }
    }
    // Where these were there before: only this node's entries.
    deleteMatching(Path.of("/var/lib/cni/results"), p -> p.getFileName().toString()
        .startsWith(NodeNetwork.CNI_NETWORK + "-"), problems);
    deleteMatching(Path.of("/var/log/containers"), p -> {
      try {
        return Files.isSymbolicLink(p) && Files.readSymbolicLink(p).startsWith(podLogsDir);
      } catch (IOException e) {
        return false;
      }
    }, problems);
  }

  private static void deleteMatching(Path dir, java.util.function.Predicate<Path> ours, List<String> problems) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.filter(ours).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      problems.add("cannot clean " + dir + ": " + e.getMessage());
    }
  }
}
