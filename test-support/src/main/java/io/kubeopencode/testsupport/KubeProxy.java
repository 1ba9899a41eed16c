package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * kube-proxy of the real node, in iptables mode: it routes Service addresses (the {@code kubernetes} Service to the
 * API server relay on the bridge, other Services to their pods). Configured to change as little of the host as it
 * can: no conntrack sysctls ({@code maxPerCore} 0, timeouts 0: they may not be writable, and are not ours), no
 * {@code route_localnet} ({@code localhostNodePorts} false), NodePorts on the bridge address only, and
 * {@code clusterCIDR} so traffic between pods and Services is not masqueraded. Its health and metrics servers stay
 * on loopback. {@link #close()} stops it and runs {@code kube-proxy --cleanup}, which removes its iptables rules.
 */
final class KubeProxy {
  private final Path binary;
  private final ManagedProcess process;

  private KubeProxy(Path binary, ManagedProcess process) {
    this.binary = binary;
    this.process = process;
  }

  static KubeProxy start(Path binary, Path dir, Path kubeconfig) {
    Path config = dir.resolve("kube-proxy.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(config, yaml(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KubeProxy(binary, ManagedProcess.start("kube-proxy",
        List.of(binary.toString(), "--config=" + config, "--v=1"), dir.resolve("kube-proxy.log")));
  }

  private static String yaml(Path kubeconfig) {
    return String.join("\n",
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1",
        "kind: KubeProxyConfiguration",
        "mode: iptables",
        "clientConnection: {kubeconfig: " + kubeconfig + "}",
        "hostnameOverride: " + NodeNetwork.NODE_NAME,
        "clusterCIDR: " + NodeNetwork.POD_CIDR,
        "detectLocalMode: ClusterCIDR",
        "healthzBindAddress: 127.0.0.1:10256",
        "metricsBindAddress: 127.0.0.1:10249",
        "nodePortAddresses: [" + NodeNetwork.GATEWAY + "/32]",
        "iptables: {localhostNodePorts: false, masqueradeAll: false, syncPeriod: 5s, minSyncPeriod: 0s}",
        "conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}",
        "");
  }

  ManagedProcess process() {
    return process;
  }

  /** Stops it, then removes its rules ({@code --cleanup}); a failure of the latter is returned, not thrown. */
  String stopAndCleanUp() {
    process.close();
    CommandResult cleanup = ChildProcesses.runToEnd(new ProcessBuilder(binary.toString(), "--cleanup", "--v=0"),
        Duration.ofMinutes(2), "kube-proxy --cleanup");
    return cleanup.exitCode() == 0 ? null
        : "kube-proxy --cleanup exited with " + cleanup.exitCode() + ": " + ChildProcesses.tail(cleanup.stderr());
  }
}
