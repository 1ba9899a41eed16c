package io.kubeopencode.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * A local Kubernetes to try KubeOpenCode on without a cluster (hack/run.sh). With {@code --real-node TAR...}: one
 * real node ({@link KubeCluster#withRealNode}: kubelet, containerd, bridge network, kube-proxy, CoreDNS), the given
 * image tars imported before its kubelet starts. Without: the Job controller, the garbage collector and a kwok node
 * (pods are simulated: they run for a moment and succeed). Writes its kubeconfig to the given path, installs the
 * CRDs and runs until the process is stopped; stopping it (SIGTERM, Ctrl-C) stops everything it started and, for a
 * real node, restores the host.
 */
public final class LocalControlPlane {
  private static final String USAGE = "usage: LocalControlPlane <kubeconfig output path> [--real-node IMAGE.tar...]";

  private LocalControlPlane() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1 || (args.length > 1 && !"--real-node".equals(args[1]))) {
      throw new IllegalArgumentException(USAGE);
    }
    boolean realNode = args.length > 1;
    List<Path> images = Arrays.stream(args).skip(2).map(Path::of).toList();
    KubeCluster cluster = realNode
        ? KubeCluster.withRealNode(images)
        : KubeCluster.start().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    Path target = Path.of(args[0]);
    Files.copy(cluster.kubeconfig(), target, StandardCopyOption.REPLACE_EXISTING);
    System.out.println((realNode ? "local cluster with a real node " + cluster.nodeName() : "local control plane")
        + " ready; kubeconfig: " + target.toAbsolutePath());
    System.out.flush();
    Thread.currentThread().join();
  }
}
