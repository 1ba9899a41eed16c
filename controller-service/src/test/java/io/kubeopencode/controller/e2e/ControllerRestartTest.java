package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.agent;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A controller restarted while a Task runs picks it up where it was: no second Job, and the Task still finishes. */
// The controllers are try-with-resources for their lifetime only.
@SuppressWarnings("try")
class ControllerRestartTest {

  @Test
  void restartingMidFlightCreatesNoSecondJob() throws Exception {
    KubeCluster cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    KubernetesClient client = cluster.client();
    String ns = cluster.createNamespace("restart");
    TaskLifecycleTest.client = client;

    Job first;
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      agent(ns, "held-agent", PodOutcome.succeed().hold());
      task(ns, "long", "held-agent", List.of(), List.of());
      awaitTask(ns, "long", phase(TaskPhase.Running));
      first = client.batch().v1().jobs().inNamespace(ns).withName("long").waitUntilCondition(
          j -> j != null && j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive()), 60,
          TimeUnit.SECONDS);
    }

    try (InProcessController restarted = new InProcessController(client, List.of(ns))) {
      // It queued every Task it found on start; "long" is the only one in its namespace.
      Await.until("the restarted controller reconciled the Task", () -> restarted.reconcilesFinished() >= 1);
      assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).singleElement()
          .satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid()));
      assertThat(client.resources(Task.class).inNamespace(ns).withName("long").get().getStatus().phase())
          .isEqualTo(TaskPhase.Running);

      Pod pod = client.pods().inNamespace(ns).withLabel("job-name", "long").list().getItems().getFirst();
      client.pods().inNamespace(ns).withName(pod.getMetadata().getName())
          .edit(p -> {
            p.getMetadata().getAnnotations().remove(PodOutcome.PREFIX + "hold");
            return p;
          });

      Task done = awaitTask(ns, "long", phase(TaskPhase.Completed));
      assertThat(done.getStatus().jobName()).isEqualTo("long");
      assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).hasSize(1);
    }
  }
}
