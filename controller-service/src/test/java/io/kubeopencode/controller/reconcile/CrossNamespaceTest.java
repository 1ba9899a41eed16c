package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.Fixtures;
import io.kubeopencode.controller.reconcile.Action.CreateConfigMap;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.DeleteRunObjects;
import io.kubeopencode.controller.reconcile.Action.TaskFinalizer;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tasks using an Agent of another namespace, decided purely. */
class CrossNamespaceTest {
  private final TaskReconciler reconciler =
      new TaskReconciler(IMAGES, Clock.fixed(Instant.parse("2026-11-21T10:00:05Z"), ZoneOffset.UTC));

  private static FakeCluster clusterWithAgent(List<String> allowed) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace("agents").withName("shared").build());
    agent.setSpec(new AgentSpec(null, null, Fixtures.WS, null, null, null, null, null, "sa", allowed, null, null));
    return new FakeCluster().add(agent);
  }

  private static Task task() {
    return Fixtures.task("fix", new TaskSpec("x", null, new AgentReference("shared", "agents"), null, null, null));
  }

  @Test
  void globsMatchNamespaces() {
    assertThat(NamespaceGlobs.allows(List.of(), "anything")).isTrue();
    assertThat(NamespaceGlobs.allows(List.of("team-*"), "team-a")).isTrue();
    assertThat(NamespaceGlobs.allows(List.of("team-*"), "teams")).isFalse();
    assertThat(NamespaceGlobs.allows(List.of("dev?", "prod"), "dev1")).isTrue();
    assertThat(NamespaceGlobs.allows(List.of("a.b"), "axb")).as("dots are literal").isFalse();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} ~ {1}: {2}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "team-[abc]|team-b|true",
      "team-[abc]|team-d|false",
      "team-[a-c]x|team-bx|true",
      "team-[^0-9]|team-x|true",
      "team-[^0-9]|team-7|false",
      "env-[0-9][0-9]|env-42|true",
      "a\\*b|a*b|true",
      "a\\*b|axb|false",
      "a\\?|a?|true",
      "[\\]]x|]x|true",
      "*-prod|payments-prod|true",
      "team-[|team-[|false",
      "team-[]|team-]|false",
      "team-[z-a]|team-m|false",
      "team-\\|team-\\|false",
      "[-a]|-|false"})
  void globsFollowTheShellSyntaxEarlierReleasesAccepted(String glob, String namespace, boolean allowed) {
    assertThat(NamespaceGlobs.allows(List.of(glob), namespace)).isEqualTo(allowed);
  }

  @Test
  void thePodRunsInTheAgentsNamespaceAfterTheTaskGotItsFinalizer() {
    List<Action> actions = reconciler.reconcile(task(), clusterWithAgent(List.of("team-*")), false);

    assertThat(actions.getFirst()).isEqualTo(new TaskFinalizer(true));
    assertThat(actions).filteredOn(CreateConfigMap.class::isInstance).singleElement()
        .satisfies(a -> assertThat(((CreateConfigMap) a).configMap().getMetadata().getNamespace())
            .isEqualTo("agents"));
    CreatePod create = (CreatePod) actions.stream().filter(CreatePod.class::isInstance).findFirst().orElseThrow();
    assertThat(create.pod().getMetadata().getNamespace()).isEqualTo("agents");
    assertThat(create.pod().getMetadata().getName()).as("as earlier releases named it").isEqualTo("team-a-fix-pod");
    assertThat(create.pod().getMetadata().getAnnotations()).containsEntry("kubeopencode.io/task", "team-a/fix");
    assertThat(create.pod().getMetadata().getOwnerReferences()).as("owner references cannot cross namespaces")
        .isEmpty();
    TaskStatus status = actions.stream().filter(UpdateStatus.class::isInstance)
        .map(a -> ((UpdateStatus) a).status()).findFirst().orElseThrow();
    assertThat(status.podNamespace()).isEqualTo("agents");
    assertThat(status.podName()).isEqualTo("team-a-fix-pod");
  }

  @Test
  void aNamespaceOutsideAllowedNamespacesIsRefused() {
    List<Action> actions = reconciler.reconcile(task(), clusterWithAgent(List.of("prod-*")), false);

    TaskStatus status = ((UpdateStatus) actions.getFirst()).status();
    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("NamespaceNotAllowed");
    assertThat(status.conditions().getFirst().getMessage())
        .isEqualTo("Agent agents/shared does not allow Tasks from namespace team-a (allowedNamespaces: [prod-*])");
    assertThat(actions).noneMatch(CreatePod.class::isInstance);
  }

  @Test
  void deletingTheTaskDeletesItsRunInTheAgentsNamespaceThenReleasesIt() {
    Task task = task();
    task.getMetadata().setFinalizers(List.of("kubeopencode.io/task-cleanup"));
    task.getMetadata().setDeletionTimestamp("2026-11-21T10:00:04Z");
    task.setStatus(new TaskStatus(1L, TaskPhase.Running, null, "team-a-fix-pod-1", "agents", "2026-11-21T10:00:00Z",
        null, null, null, null));
    FakeCluster cluster = clusterWithAgent(List.of());
    for (String pod : List.of("team-a-fix-pod", "team-a-fix-pod-1")) {
      cluster.add(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withNamespace("agents")
          .withName(pod).addToAnnotations("kubeopencode.io/task", "team-a/fix").endMetadata().build());
    }

    assertThat(reconciler.reconcile(task, cluster, false)).containsExactly(
        new DeleteRunObjects("agents", List.of("team-a-fix-pod", "team-a-fix-pod-1"), "team-a-fix-context"),
        new TaskFinalizer(false));
  }
}
