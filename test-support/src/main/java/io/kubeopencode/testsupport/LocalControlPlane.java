package io.kubeopencode.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local Kubernetes to try KubeOpenCode on without a cluster: kube-apiserver, etcd, the Job controller, the
 * garbage collector and a kwok node (pods are simulated: they run for a moment and succeed). Writes its kubeconfig
 * to the given path, installs the CRDs and runs until the process is stopped.
 */
public final class LocalControlPlane {
  private LocalControlPlane() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: LocalControlPlane <kubeconfig output path>");
    }
    KubeCluster cluster = KubeCluster.start().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    Path target = Path.of(args[0]);
    Files.copy(cluster.kubeconfig(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.println("local control plane ready; kubeconfig: " + target.toAbsolutePath());
    System.out.flush();
    Thread.currentThread().join();
  }
}
