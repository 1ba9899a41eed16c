package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cluster's DNS: CoreDNS on the host (no pod), listening on the bridge address port 53 (the kubelet's
 * {@code clusterDNS}), answering for {@code cluster.local} and the reverse zones from the API server. It has no
 * {@code forward} plugin: a name outside the cluster gets no answer from elsewhere, so no query leaves this machine.
 */
final class CoreDns {
  private CoreDns() {}

  static ManagedProcess start(Path binary, Path dir, Path kubeconfig) {
    Path corefile = dir.resolve("Corefile");
    String config = String.join("\n",
        ".:53 {",
        "    bind " + NodeNetwork.GATEWAY,
        "    errors",
        "    kubernetes " + NodeNetwork.CLUSTER_DOMAIN + " in-addr.arpa ip6.arpa {",
        "        kubeconfig " + kubeconfig,
        "        pods insecure",
        "        fallthrough in-addr.arpa ip6.arpa",
        "    }",
        "}",
        "");
    try {
      Files.createDirectories(dir);
      Files.writeString(corefile, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ManagedProcess.start("coredns", List.of(binary.toString(), "-conf", corefile.toString()),
        dir.resolve("coredns.log"));
  }
}
