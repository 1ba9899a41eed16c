package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.RealNodeUnavailableException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kubelet, kube-proxy, CoreDNS and the CNI plugins of the real node, provisioned (or found in the cache) by
 * {@code hack/node-binaries.sh}; {@link #checkMachine()} runs its {@code --check}.
 */
record NodeBinaries(Path kubelet, Path kubeProxy, Path coredns, Path cniBinDir) {
  private static final String SCRIPT = "hack/node-binaries.sh";
  private static NodeBinaries provisioned;

  /** Runs the script once per JVM (seconds when cached). */
  static synchronized NodeBinaries provision() {
    if (provisioned == null) {
      CommandResult result = runScript("--print-paths", Duration.ofMinutes(30));
      if (result.exitCode() != 0) {
        throw new RealNodeUnavailableException(Reason.BINARIES_MISSING, SCRIPT + " failed (exit code "
            + result.exitCode() + "): " + ChildProcesses.tail(result.stderr()));
      }
      provisioned = parse(result.stdout());
    }
    return provisioned;
  }

  /**
   * What this machine lacks to run a node (root, cgroup hierarchies, writable sysctls, iptables, bridges, ...):
   * fails with {@link Reason#MACHINE} listing every {@code missing} line of {@code --check}.
   */
  static void checkMachine() {
    requireNothingMissing(runScript("--check", Duration.ofMinutes(2)));
  }

  static void requireNothingMissing(CommandResult result) {
    List<String> missing = result.stdout().lines().filter(l -> l.startsWith("missing ")).toList();
    if (result.exitCode() != 0 || !missing.isEmpty()) {
      throw new RealNodeUnavailableException(Reason.MACHINE, SCRIPT + " --check exited with " + result.exitCode()
          + (missing.isEmpty() ? ": " + ChildProcesses.tail(result.stderr()) : "; missing:"), missing);
    }
  }

  static NodeBinaries parse(String output) {
    Map<String, String> values = new HashMap<>();
    output.lines().map(String::strip).filter(l -> l.contains("=")).forEach(l -> {
      int eq = l.indexOf('=');
      values.put(l.substring(0, eq), l.substring(eq + 1));
    });
    for (String name : List.of("kubelet", "kube-proxy", "coredns")) {
      if (values.get(name) == null || !Files.isExecutable(Path.of(values.get(name)))) {
        throw new RealNodeUnavailableException(Reason.BINARIES_MISSING,
            SCRIPT + " named no executable " + name + "; its output:\n" + output);
      }
    }
    Path cni = Path.of(values.getOrDefault("cni-bin-dir", "/nonexistent"));
    if (!Files.isExecutable(cni.resolve("bridge")) || !Files.isExecutable(cni.resolve("host-local"))
        || !Files.isExecutable(cni.resolve("loopback"))) {
      throw new RealNodeUnavailableException(Reason.BINARIES_MISSING,
          SCRIPT + " named no CNI directory with bridge, host-local and loopback; its output:\n" + output);
    }
    return new NodeBinaries(Path.of(values.get("kubelet")), Path.of(values.get("kube-proxy")),
        Path.of(values.get("coredns")), cni);
  }

  private static CommandResult runScript(String argument, Duration timeout) {
    Path script = KubeBinaries.projectRoot().resolve(SCRIPT);
    return ChildProcesses.runToEnd(new ProcessBuilder("bash", script.toString(), argument)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())), timeout, SCRIPT + " " + argument);
  }
}
