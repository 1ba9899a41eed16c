package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster of its own (not the shared one): it starts everything and, closed, leaves no process behind. */
class KubeClusterLifecycleTest {

  @Test
  void closingStopsEveryProcessItStarted() {
    KubeCluster cluster = KubeCluster.start();
    List<ProcessHandle> before;
    try {
      cluster.withJobController().withSimulatedNodes();
      assertThat(cluster.kubectl("get", "nodes", "-o", "name").requireSuccess().strip())
          .isEqualTo("node/" + KubeCluster.KWOK_NODE);
      before = processesOf(cluster);
      assertThat(before).extracting(KubeClusterLifecycleTest::binaryName)
          .contains("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
    } finally {
      cluster.close();
    }
    before.forEach(p -> p.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join());
    assertThat(before).noneMatch(ProcessHandle::isAlive);
  }

  /** Live processes whose executable is in this cluster's binaries directory and whose flags name its files. */
  private static List<ProcessHandle> processesOf(KubeCluster cluster) {
    String binDir = cluster.binaries().directory().toString();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.startsWith(binDir)).orElse(false))
        .toList();
  }

  private static String binaryName(ProcessHandle p) {
    String command = p.info().command().orElse("");
    return command.substring(command.lastIndexOf('/') + 1);
  }
}
