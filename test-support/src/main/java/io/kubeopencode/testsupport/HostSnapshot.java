package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.Iptables.Family;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a real node may change on the host, read before it starts (to restore it, {@link HostRestore}) and after it
 * stopped (to prove nothing is left, {@link #differencesFrom}): kernel tunables, iptables rules, network links,
 * directories outside the node's work directory, mounts, cgroups and the node's kinds of process.
 *
 * @param sysctls path under /proc/sys to value, of every tunable the kubelet, the bridge plugin or kube-proxy may set
 * @param paths the {@link #WATCHED_PATHS} that exist
 */
record HostSnapshot(Map<String, String> sysctls, Map<String, String> iptables, Map<String, String> ip6tables,
    Set<String> links, Set<Path> paths, Set<String> mounts, Set<String> cgroups, Set<String> processes) {
  /** Tunables set by name: the kubelet's (at start), the bridge plugin's (ip_forward). */
  private static final List<String> SYSCTLS = List.of("vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic",
      "kernel/panic_on_oops", "kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes", "net/ipv4/ip_forward");
  /** Directories of tunables read whole: the bridge plugin and kube-proxy set some of each. */
  private static final List<String> SYSCTL_DIRS = List.of("net/ipv4/conf/all", "net/ipv4/conf/default",
      "net/ipv6/conf/all", "net/ipv6/conf/default", "net/bridge", "net/netfilter");
  /** Where the kubelet, libcni, containerd and kube-proxy create things by default, outside any configured dir. */
  static final List<Path> WATCHED_PATHS = Stream.of("/var/lib/cni", "/var/log/containers", "/var/log/pods",
      "/var/lib/kubelet", "/run/netns", "/etc/cni", "/opt/cni", "/usr/libexec/kubernetes", "/run/kubernetes",
      "/etc/kubernetes", "/var/lib/kube-proxy", "/run/containerd", "/var/lib/containerd").map(Path::of).toList();
  /** Executables of a node and its control plane: none of them may outlive it. */
  private static final Set<String> NODE_PROCESSES = Set.of("kubelet", "kube-proxy", "coredns", "containerd",
      "containerd-shim-runc-v2", "runc", "kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler",
      "pause", "test-agent", "opencode");
  private static final Path PROC_SYS = Path.of("/proc/sys");

  static HostSnapshot take() {
    return new HostSnapshot(readSysctls(), Iptables.save(Family.IPV4), Iptables.save(Family.IPV6),
        NodeBridge.linkNames(),
        new TreeSet<>(WATCHED_PATHS.stream().filter(Files::exists).toList()),
        new TreeSet<>(HostState.mounts().stream().map(m -> m.mountPoint() + " " + m.fsType()).toList()),
        new TreeSet<>(HostState.cgroupDirectories(3).stream().map(Path::toString).toList()), readProcesses());
  }

  /**
   * Every difference from {@code before}, one line each. Tunables that appeared since (a kernel module loaded, such
   * as conntrack's) cannot be taken back and are not differences; tunables that changed value are.
   */
  List<String> differencesFrom(HostSnapshot before) {
    List<String> differences = new ArrayList<>();
    before.sysctls.forEach((key, was) -> {
      String is = sysctls.get(key);
      if (is != null && !is.equals(was)) {
        differences.add("sysctl " + key + " was " + was + ", is " + is);
      }
    });
    differences.addAll(Iptables.differences(Family.IPV4, before.iptables, iptables));
    differences.addAll(Iptables.differences(Family.IPV6, before.ip6tables, ip6tables));
    compare("link", before.links, links, differences);
    compare("path", before.paths.stream().map(Path::toString).toList(),
        paths.stream().map(Path::toString).toList(), differences);
    compare("mount", before.mounts, mounts, differences);
    compare("cgroup", before.cgroups, cgroups, differences);
    compare("process", before.processes, processes, differences);
    return differences;
  }

  private static void compare(String what, java.util.Collection<String> before, java.util.Collection<String> after,
      List<String> differences) {
    after.stream().filter(a -> !before.contains(a)).forEach(a -> differences.add(what + " added: " + a));
    before.stream().filter(b -> !after.contains(b)).forEach(b -> differences.add(what + " removed: " + b));
  }

  private static Map<String, String> readSysctls() {
    Map<String, String> values = new LinkedHashMap<>();
    SYSCTLS.forEach(name -> read(PROC_SYS.resolve(name), values));
    for (String dir : SYSCTL_DIRS) {
      try (Stream<Path> files = Files.list(PROC_SYS.resolve(dir))) {
        files.filter(Files::isRegularFile).sorted().forEach(f -> read(f, values));
      } catch (IOException notThere) {
        // no IPv6, no bridge module, no conntrack: nothing there to change
      }
    }
    return values;
  }

  /** Only writable tunables: the others cannot be changed by anyone here, nor restored. */
  private static void read(Path file, Map<String, String> values) {
    if (!Files.isWritable(file)) {
      return;
    }
    try {
      values.put(PROC_SYS.relativize(file).toString(), HostState.readPseudoFile(file).strip());
    } catch (IOException | RuntimeException unreadable) {
      // write-only tunables (e.g. flush triggers)
    }
  }

  /** {@code <pid> <executable>} of every live process of the node's kinds. */
  private static Set<String> readProcesses() {
    Set<String> found = new TreeSet<>();
    ProcessHandle.allProcesses().forEach(p -> p.info().command().ifPresent(command -> {
      String name = command.substring(command.lastIndexOf('/') + 1);
      if (NODE_PROCESSES.contains(name)) {
        found.add(p.pid() + " " + command);
      }
    }));
    return found;
  }
}
