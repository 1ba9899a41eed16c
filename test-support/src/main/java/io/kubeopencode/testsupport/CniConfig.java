package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real node's CNI network: the bridge plugin on {@link NodeNetwork#BRIDGE} with host-local addresses from
 * {@link NodeNetwork#POD_CIDR}. The bridge holds the gateway address ({@code isGateway}), but pods get no default
 * route ({@code isDefaultGateway} false): host-local gives them routes for the pod and Service ranges only, so a pod
 * cannot address anything off this machine; nothing is masqueraded ({@code ipMasq} false), so the bridge plugin adds
 * no iptables rules. containerd sets up each pod's loopback itself; no portmap (no test uses hostPort).
 */
final class CniConfig {
  private CniConfig() {}

  /** Writes the conflist into {@code confDir}; host-local keeps its leases in {@code ipamDir} (not /var/lib/cni). */
  static Path write(Path confDir, Path ipamDir) {
    String json = """
        {
          "cniVersion": "1.0.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "isDefaultGateway": false,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "dataDir": "%s",
                "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                "routes": [{"dst": "%s", "gw": "%s"}]
              }
            }
          ]
        }
        """.formatted(NodeNetwork.CNI_NETWORK, NodeNetwork.BRIDGE, ipamDir, NodeNetwork.POD_CIDR,
        NodeNetwork.GATEWAY, NodeNetwork.SERVICE_CIDR, NodeNetwork.GATEWAY);
    try {
      Files.createDirectories(confDir);
      Files.createDirectories(ipamDir);
      return Files.writeString(confDir.resolve("10-" + NodeNetwork.CNI_NETWORK + ".conflist"), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
