package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An Agent shared across namespaces, on a real API server with the garbage collector and kwok. */
// The controllers are try-with-resources for their lifetime only.
@SuppressWarnings("try")
@Tag("apiserver")
class CrossNamespaceAgentTest {

  @Test
  void taskRunsInTheAgentsNamespaceAndItsDeletionCleansUpThere() {
    KubeCluster cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    KubernetesClient client = cluster.client();
    TaskLifecycleTest.client = client;
    String agents = cluster.createNamespace("agents");
    String team = cluster.createNamespace("team");
    String other = cluster.createNamespace("other");

    try (InProcessController controller = new InProcessController(client, List.of(agents, team, other))) {
      Agent agent = new Agent();
      agent.setMetadata(new ObjectMetaBuilder().withNamespace(agents).withName("shared").build());
      agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
          AgentPodSpec.of(null, PodOutcome.succeed().hold().annotations(), null, null, null), "sa",
          List.of("team-*"), null, null));
      client.resource(agent).create();
      client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(team).withName("notes").endMetadata()
          .addToData("n.md", "from the team's namespace").build()).create();

      Task task = new Task();
      task.setMetadata(new ObjectMetaBuilder().withNamespace(team).withName("fix").build());
      task.setSpec(new TaskSpec("Fix it.", List.of(ContextItem.configMap("notes", "n.md",
          new ConfigMapContext("notes", "n.md", null))), new AgentReference("shared", agents), null, null, null));
      client.resource(task).create();

      Task running = awaitTask(team, "fix", phase(TaskPhase.Running));
      String runName = team + "-fix";
      String podName = runName + "-pod";
      assertThat(running.getStatus().podNamespace()).isEqualTo(agents);
      assertThat(running.getStatus().podName()).isEqualTo(podName);
      assertThat(running.getStatus().jobName()).isNull();
      assertThat(running.getMetadata().getFinalizers()).contains("kubeopencode.io/task-cleanup");
      Pod pod = client.pods().inNamespace(agents).withName(podName).waitUntilCondition(
          p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
      assertThat(pod.getMetadata().getLabels()).containsEntry("kubeopencode.io/task-namespace", team)
          .containsEntry("kubeopencode.io/task", "fix");
      assertThat(pod.getMetadata().getAnnotations()).containsEntry("kubeopencode.io/task", team + "/fix");
      assertThat(pod.getMetadata().getOwnerReferences()).as("owner references cannot cross namespaces").isEmpty();
      assertThat(client.configMaps().inNamespace(agents).withName(runName + "-context").get().getData())
          .containsEntry("file-0", "from the team's namespace");

      client.resources(Task.class).inNamespace(team).withName("fix").delete();

      client.resources(Task.class).inNamespace(team).withName("fix").waitUntilCondition(t -> t == null, 60,
          TimeUnit.SECONDS);
      // The finalizer came off after the deletes: the pod is gone or terminating gracefully, the ConfigMap gone.
      assertThat(client.pods().inNamespace(agents).withName(podName).get())
          .satisfiesAnyOf(p -> assertThat(p).isNull(), p -> assertThat(p.getMetadata().getDeletionTimestamp())
              .isNotNull());
      assertThat(client.configMaps().inNamespace(agents).withName(runName + "-context").get()).isNull();
      client.pods().inNamespace(agents).withName(podName).waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
      assertThat(client.pods().inNamespace(agents).withLabel("kubeopencode.io/task-namespace", team).list()
          .getItems()).isEmpty();

      Task refused = new Task();
      refused.setMetadata(new ObjectMetaBuilder().withNamespace(other).withName("nope").build());
      refused.setSpec(new TaskSpec("x", null, new AgentReference("shared", agents), null, null, null));
      client.resource(refused).create();
      Task failed = awaitTask(other, "nope", phase(TaskPhase.Failed));
      assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("NamespaceNotAllowed");
    }
  }
}
