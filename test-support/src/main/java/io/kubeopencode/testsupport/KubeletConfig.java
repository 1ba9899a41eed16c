package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kubelet of the real node: its configuration file and command line. Everything it keeps is under its own
 * directory ({@code --root-dir}, {@code --cert-dir}, podLogsDir, the volume plugin directory); it serves on 127.0.0.1
 * only, which is why anonymous requests with {@code AlwaysAllow} are acceptable (the API server's {@code kubectl logs}
 * and {@code exec} requests come that way). Settings for these machines: cgroupfs on cgroup v1, swap allowed, and
 * image garbage collection and disk-pressure eviction off, as the imported images cannot be pulled again.
 */
record KubeletConfig(Path dir, Path containerdSocket, Path kubeconfig) {
  Path rootDir() {
    return dir.resolve("root");
  }

  Path podLogsDir() {
    return podLogsDir(dir);
  }

  static Path podLogsDir(Path kubeletDir) {
    return kubeletDir.resolve("pod-logs");
  }

  Path configFile() {
    return dir.resolve("kubelet.yaml");
  }

  /** Pods with {@code dnsPolicy: Default} get this: the cluster's DNS too, never the host's resolvers. */
  Path resolvConf() {
    return dir.resolve("resolv.conf");
  }

  /** Writes the files and returns the command line. */
  List<String> write(Path kubeletBinary) {
    try {
      Files.createDirectories(rootDir());
      Files.createDirectories(podLogsDir());
      Files.writeString(resolvConf(), "nameserver " + NodeNetwork.GATEWAY + "\n");
      Files.writeString(configFile(), yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(kubeletBinary.toString(),
        "--config=" + configFile(),
        "--kubeconfig=" + kubeconfig,
        "--root-dir=" + rootDir(),
        "--cert-dir=" + dir.resolve("pki"),
        "--hostname-override=" + NodeNetwork.NODE_NAME,
        "--node-ip=" + NodeNetwork.GATEWAY,
        "--v=1");
  }

  private String yaml() {
    return String.join("\n",
        "apiVersion: kubelet.config.k8s.io/v1beta1",
        "kind: KubeletConfiguration",
        "address: 127.0.0.1",
        "port: " + NodeNetwork.KUBELET_PORT,
        "readOnlyPort: 0",
        "healthzBindAddress: 127.0.0.1",
        "healthzPort: " + NodeNetwork.KUBELET_HEALTHZ_PORT,
        "authentication:",
        "  anonymous: {enabled: true}",
        "  webhook: {enabled: false}",
        "authorization: {mode: AlwaysAllow}",
        "containerRuntimeEndpoint: unix://" + containerdSocket,
        "cgroupDriver: cgroupfs",
        "cgroupRoot: /" + NodeNetwork.CGROUP_ROOT,
        "failSwapOn: false",
        "failCgroupV1: false",
        "podLogsDir: " + podLogsDir(),
        "volumePluginDir: " + dir.resolve("volume-plugins"),
        "clusterDNS: [" + NodeNetwork.GATEWAY + "]",
        "clusterDomain: " + NodeNetwork.CLUSTER_DOMAIN,
        "resolvConf: " + resolvConf(),
        "podCIDR: " + NodeNetwork.POD_CIDR,
        "imageGCHighThresholdPercent: 100",
        "imageGCLowThresholdPercent: 99",
        "evictionHard: {memory.available: 1Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}",
        "serializeImagePulls: false",
        "rotateCertificates: false",
        "serverTLSBootstrap: false",
        // Status reaches the API server quickly: tests wait for it.
        "nodeStatusUpdateFrequency: 2s",
        "syncFrequency: 10s",
        "");
  }
}
