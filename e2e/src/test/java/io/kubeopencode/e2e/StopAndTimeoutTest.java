package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ending a run early on a real node: a stop delivers SIGTERM, keeps the outputs written so far and a real log
 * tail; a timeout is enforced by the kubelet (the pod's activeDeadlineSeconds) while the controller is down, and
 * the controller reports it when it is back.
 */
@Tag("real-node")
class StopAndTimeoutTest {
  private final E2eCluster node = E2eCluster.get();

  private static String outputs() {
    return "outputs:\n  parameters:\n    - name: summary\n      path: .outputs/summary\n";
  }

  @Test
  void aStoppedTaskKeepsItsPartialOutputsAndLogTail() {
    String ns = node.namespace("stop");
    Map<String, String> values = E2eCluster.values(ns);
    try (E2eController controller = E2eController.start(node.client, List.of(ns))) {
      node.create(agent("worker", ""), values);
      node.create(task("long", "worker", """
          log: half way there
          write: .outputs/summary = half done
          wait-file: /tmp/never
          """, outputs()), values);
      Task running = node.awaitTask(ns, "long", E2eCluster.phase(TaskPhase.Running));
      awaitLog(running, "test-agent: wrote");
      node.client.resources(Task.class).inNamespace(ns).withName("long").edit(t -> {
        t.getMetadata().setAnnotations(Map.of("kubeopencode.io/stop", "true"));
        return t;
      });
      Task stopped = node.awaitFinished(ns, "long");
      assertThat(stopped.getStatus().phase()).isEqualTo(TaskPhase.Completed);
      assertThat(stopped.getStatus().conditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Stopped");
        assertThat(c.getReason()).isEqualTo("UserStopped");
      });
      assertThat(stopped.getStatus().outputs().parameters()).containsExactly(Map.entry("summary", "half done"));
      assertThat(stopped.getStatus().logTail()).contains("half way there", "SIGTERM");
    }
  }

  @Test
  void theKubeletEnforcesTheTimeoutWhileTheControllerIsDown() {
    String ns = node.namespace("timeout");
    Map<String, String> values = E2eCluster.values(ns);
    Task running;
    try (E2eController controller = E2eController.start(node.client, List.of(ns))) {
      node.create(agent("worker", ""), values);
      node.create(task("slow", "worker", "log: started\nsleep: 600", "timeout: 8s\n"), values);
      running = node.awaitTask(ns, "slow", E2eCluster.phase(TaskPhase.Running));
    }
    // Controller stopped: only the kubelet can end the pod now.
    Pod ended = node.client.pods().inNamespace(running.getStatus().podNamespace())
        .withName(running.getStatus().podName())
        .waitUntilCondition(p -> p != null && "Failed".equals(p.getStatus().getPhase()), 120, TimeUnit.SECONDS);
    assertThat(ended.getStatus().getReason()).isEqualTo("DeadlineExceeded");
    assertThat(node.task(ns, "slow").getStatus().phase()).isEqualTo(TaskPhase.Running);

    try (E2eController controller = E2eController.start(node.client, List.of(ns))) {
      Task failed = node.awaitFinished(ns, "slow");
      assertThat(failed.getStatus().phase()).isEqualTo(TaskPhase.Failed);
      assertThat(E2eCluster.readyReason(failed)).isEqualTo("Timeout");
    }
  }

  private void awaitLog(Task task, String text) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String log = "";
    while (System.nanoTime() < deadline) {
      try {
        log = node.log(task, "agent");
      } catch (RuntimeException notYet) {
        log = "";
      }
      if (log.contains(text)) {
        return;
      }
      sleep(200);
    }
    throw new AssertionError("the agent never logged '" + text + "'; its log:\n" + log);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
