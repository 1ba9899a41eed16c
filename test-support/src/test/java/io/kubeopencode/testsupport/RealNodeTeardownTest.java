package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real node leaves the host as it found it: processes, mounts, links, cgroups, iptables rules, sysctls and the
 * directories it may create, compared before it starts and after it stopped, every difference named. Once for a JVM
 * stopped with SIGTERM (its shutdown hook), once for {@link KubeCluster#close()}.
 */
@Tag("real-node")
class RealNodeTeardownTest {

  /** A node another test class of this JVM started would hold the machine's node lock: stopped first. */
  @BeforeAll
  static void stopThisJvmsNode() {
    KubeCluster.closeRealNode();
  }

  @Test
  void aJvmStoppedWithSigtermLeavesTheHostAsItFoundIt() throws Exception {
    HostSnapshot before = HostSnapshot.take();
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dkubeopencode.root=" + KubeBinaries.projectRoot(), RealNodeInChildJvm.class.getName())
        .redirectErrorStream(true).start();
    StringBuilder log = new StringBuilder();
    try {
      String ready = CompletableFuture.supplyAsync(() -> awaitReady(child, log)).get(10, TimeUnit.MINUTES);
      assertThat(ready).as("child JVM output:\n%s", log).startsWith("READY 10.244.0.");
      // The comparison has teeth: while the node runs, it sees each kind of change the node makes.
      List<String> whileRunning = HostSnapshot.take().differencesFrom(before);
      assertThat(whileRunning).as("differences while the node runs").anyMatch(d -> d.contains("link added: "
          + NodeNetwork.BRIDGE)).anyMatch(d -> d.startsWith("process added: ") && d.endsWith("/kubelet"))
          .anyMatch(d -> d.startsWith("mount added: ")).anyMatch(d -> d.startsWith("cgroup added: ")
              && d.contains(NodeNetwork.CGROUP_ROOT)).anyMatch(d -> d.contains("added -A KUBE-SERVICES"));
      System.out.printf("%d host differences while the node runs%n", whileRunning.size());

      long stopping = System.nanoTime();
      child.destroy(); // SIGTERM
      assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child JVM output:\n%s", log).isTrue();
      System.out.printf("child JVM stopped (host restored) in %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
    } finally {
      child.destroyForcibly();
    }
    assertThat(HostSnapshot.take().differencesFrom(before)).as("host differences; child JVM output:\n%s", tail(log))
        .isEmpty();
  }

  @Test
  void closingTheClusterLeavesTheHostAsItFoundIt() {
    HostSnapshot before = HostSnapshot.take();
    KubeCluster cluster = KubeCluster.withRealNode(List.of());
    try {
      String ns = cluster.createNamespace("close");
      Pod pod = new PodBuilder().withNewMetadata().withName("pause").endMetadata().withNewSpec()
          .addNewContainer().withName("pause").withImage(Containerd.DEFAULT_SANDBOX_IMAGE)
          .withImagePullPolicy("Never").endContainer().endSpec().build();
      cluster.client().pods().inNamespace(ns).resource(pod).create();
      cluster.client().pods().inNamespace(ns).withName("pause").waitUntilCondition(
          p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
    } finally {
      KubeCluster.closeRealNode();
    }
    assertThat(HostSnapshot.take().differencesFrom(before)).as("host differences").isEmpty();
  }

  private static String awaitReady(Process child, StringBuilder log) {
    // Not closed here: after READY a thread of its own keeps draining it, so the child never blocks on a full pipe.
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY")) {
          Thread.ofVirtual().start(() -> out.lines().forEach(l -> append(log, l)));
          return line;
        }
        append(log, line);
      }
      return null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void append(StringBuilder log, String line) {
    synchronized (log) {
      log.append(line).append('\n');
    }
  }

  private static String tail(StringBuilder log) {
    synchronized (log) {
      return ChildProcesses.tail(log.toString());
    }
  }
}
