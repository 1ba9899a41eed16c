package io.kubeopencode.testsupport;

import java.util.ArrayList;
import java.util.List;

/** The command lines of the control-plane processes {@link KubeCluster} starts besides kube-api-test's. */
final class ControlPlaneProcesses {
  private ControlPlaneProcesses() {}

  /** kube-controller-manager with these controllers and extra flags; fails with its log if it exits at once. */
  static ManagedProcess startControllerManager(KubeCluster cluster, List<String> controllers, List<String> flags) {
    List<String> command = new ArrayList<>(List.of(
        cluster.binaries().path("kube-controller-manager").toString(),
        "--kubeconfig=" + cluster.kubeconfig(),
        "--controllers=" + String.join(",", controllers),
        "--use-service-account-credentials=false",
        "--leader-elect=false",
        "--secure-port=0", // no health/metrics port at all; were it enabled, it would stay on loopback:
        "--bind-address=127.0.0.1",
        "--concurrent-job-syncs=10",
        "--concurrent-gc-syncs=10",
        "--v=1"));
    command.addAll(flags);
    ManagedProcess kcm = cluster.startProcess("kube-controller-manager", command);
    Await.sleep(500);
    kcm.requireAlive();
    return kcm;
  }

  /** kube-scheduler, on no port. */
  static ManagedProcess startScheduler(KubeCluster cluster) {
    return cluster.startProcess("kube-scheduler", List.of(
        cluster.binaries().path("kube-scheduler").toString(),
        "--kubeconfig=" + cluster.kubeconfig(),
        "--leader-elect=false",
        "--secure-port=0", // no port; were one enabled, it would stay on loopback:
        "--bind-address=127.0.0.1",
        "--v=1"));
  }
}
