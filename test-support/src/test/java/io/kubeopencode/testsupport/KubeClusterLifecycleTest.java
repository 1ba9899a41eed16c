package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A cluster of its own (not the shared one): it starts everything and, closed, leaves no process behind. */
@Tag("apiserver")
class KubeClusterLifecycleTest {

  @Test
  void closingStopsEveryProcessItStarted() {
    // The shared cluster of other tests in this JVM may be running too: it is not this one's to stop.
    List<ProcessHandle> others = controlPlaneProcesses(KubeBinaries.provision());
    KubeCluster cluster = KubeCluster.start();
    List<ProcessHandle> before;
    try {
      cluster.withJobController().withSimulatedNodes();
      assertThat(cluster.kubectl("get", "nodes", "-o", "name").requireSuccess().strip())
          .isEqualTo("node/" + KubeCluster.KWOK_NODE);
      before = controlPlaneProcesses(cluster.binaries()).stream().filter(p -> !others.contains(p)).toList();
      assertThat(before).extracting(KubeClusterLifecycleTest::binaryName)
          .contains("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
    } finally {
      cluster.close();
    }
    before.forEach(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    assertThat(before).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aJvmStoppedWithSigtermLeavesNoProcessBehind() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dkubeopencode.root=" + KubeBinaries.projectRoot(), ClusterInChildJvm.class.getName())
        .redirectErrorStream(true).start();
    List<ProcessHandle> started;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      StringBuilder log = new StringBuilder();
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        log.append(line).append('\n');
      }
      assertThat(line).as("child JVM output:\n" + log).isEqualTo("READY");
      started = child.descendants().filter(p -> p.info().command()
          .map(c -> c.contains("/k8s/")).orElse(false)).toList();
      assertThat(started).extracting(KubeClusterLifecycleTest::binaryName)
          .contains("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");

      child.destroy(); // SIGTERM
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    for (ProcessHandle p : started) {
      p.onExit().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> p).join();
    }
    assertThat(started).noneMatch(ProcessHandle::isAlive);
  }

  /** Live processes of this JVM whose executable is in the binaries directory. */
  private static List<ProcessHandle> controlPlaneProcesses(KubeBinaries binaries) {
    String binDir = binaries.directory().toString();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.startsWith(binDir)).orElse(false))
        .toList();
  }

  private static String binaryName(ProcessHandle p) {
    String command = p.info().command().orElse("");
    return command.substring(command.lastIndexOf('/') + 1);
  }
}
