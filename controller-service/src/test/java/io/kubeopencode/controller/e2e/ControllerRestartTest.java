package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.agent;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitRunning;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.podsOf;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.release;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A controller restarted while a Task runs picks it up where it was: no second pod, and the Task still finishes. */
// The controllers are try-with-resources for their lifetime only.
@SuppressWarnings("try")
@Tag("apiserver")
class ControllerRestartTest {
  private static KubeCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
    TaskLifecycleTest.client = client;
  }

  @Test
  void restartingMidFlightCreatesNoSecondPod() throws Exception {
    String ns = cluster.createNamespace("restart");
    Pod first;
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      agent(ns, "held-agent", PodOutcome.succeed().hold());
      task(ns, "long", "held-agent", List.of(), List.of());
      awaitTask(ns, "long", phase(TaskPhase.Running));
      first = awaitRunning(ns, "long-pod");
    }

    try (InProcessController restarted = new InProcessController(client, List.of(ns))) {
      // It queued every Task it found on start; "long" is the only one in its namespace.
      Await.until("the restarted controller reconciled the Task", () -> restarted.reconcilesFinished() >= 1);
      assertThat(client.pods().inNamespace(ns).list().getItems()).singleElement()
          .satisfies(p -> assertThat(p.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid()));
      Task running = client.resources(Task.class).inNamespace(ns).withName("long").get();
      assertThat(running.getStatus().phase()).isEqualTo(TaskPhase.Running);
      assertThat(running.getStatus().podName()).isEqualTo("long-pod");

      release(ns, "long-pod");

      Task done = awaitTask(ns, "long", phase(TaskPhase.Completed));
      assertThat(done.getStatus().podName()).isEqualTo("long-pod");
      assertThat(client.pods().inNamespace(ns).list().getItems()).singleElement()
          .satisfies(p -> assertThat(p.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid()));
    }
  }

  @Test
  void restartingAfterAReplacementCreatesNoThirdPod() throws Exception {
    String ns = cluster.createNamespace("restart-replaced");
    Pod second;
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      agent(ns, "held-agent", PodOutcome.succeed().hold());
      task(ns, "moved", "held-agent", List.of(), List.of());
      awaitRunning(ns, "moved-pod");
      // Evicted: the pod failed with condition DisruptionTarget, and is replaced by moved-pod-1.
      client.pods().inNamespace(ns).withName("moved-pod").editStatus(p -> {
        p.getStatus().setPhase("Failed");
        p.getStatus().getConditions().add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
            .withReason("EvictionByEvictionAPI").withLastTransitionTime(Instant.now().toString()).build());
        return p;
      });
      second = awaitRunning(ns, "moved-pod-1");
      awaitTask(ns, "moved", t -> "moved-pod-1".equals(t.getStatus().podName()));
    }

    try (InProcessController restarted = new InProcessController(client, List.of(ns))) {
      Await.until("the restarted controller reconciled the Task", () -> restarted.reconcilesFinished() >= 1);
      assertThat(podsOf(ns, "moved")).extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("moved-pod", "moved-pod-1");
      assertThat(client.resources(Task.class).inNamespace(ns).withName("moved").get().getStatus().phase())
          .isEqualTo(TaskPhase.Running);

      release(ns, "moved-pod-1");

      Task done = awaitTask(ns, "moved", phase(TaskPhase.Completed));
      assertThat(done.getStatus().podName()).isEqualTo("moved-pod-1");
      assertThat(podsOf(ns, "moved")).extracting(p -> p.getMetadata().getUid())
          .contains(second.getMetadata().getUid()).hasSize(2);
    }
  }
}
