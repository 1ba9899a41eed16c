package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static io.kubeopencode.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateSpec;
import io.kubeopencode.controller.Fixtures;
import io.kubeopencode.controller.reconcile.Action.CreateConfigMap;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import io.kubeopencode.outputs.OutputsCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static io.kubeopencode.controller.reconcile.TestPods.terminated;

class TaskReconcilerTest {
  private static final String NOW = "2026-11-21T10:00:05Z";
  private final TaskReconciler reconciler =
      new TaskReconciler(IMAGES, Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC));
  private final FakeCluster cluster = new FakeCluster()
      .add(Fixtures.agent("agent", Fixtures.agentSpec(List.of(), List.of(), null)));

  private static Task newTask(List<OutputParameter> outputs) {
    return Fixtures.task("fix", Fixtures.spec("Fix it.", List.of(), outputs));
  }

  private static TaskStatus statusOf(List<Action> actions) {
    return actions.stream().filter(UpdateStatus.class::isInstance).map(a -> ((UpdateStatus) a).status())
        .findFirst().orElseThrow();
  }

  private static Task withStatus(Task task, List<Action> actions) {
    task.setStatus(statusOf(actions));
    return task;
  }

  @Test
  void aNewTaskGetsItsConfigMapAndPodAndGoesRunning() {
    List<Action> actions = reconciler.reconcile(newTask(List.of()), cluster, false);

    assertThat(actions).hasSize(4);
    assertThat(actions.get(0)).isInstanceOfSatisfying(CreateConfigMap.class,
        a -> assertThat(a.configMap().getMetadata().getName()).isEqualTo("fix-context"));
    assertThat(actions.get(1)).isInstanceOfSatisfying(CreatePod.class,
        a -> assertThat(a.pod().getMetadata().getName()).isEqualTo("fix-pod"));
    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Running);
    assertThat(status.jobName()).isNull();
    assertThat(status.podName()).as("set at Running, as earlier releases did").isEqualTo("fix-pod");
    assertThat(status.podNamespace()).isEqualTo(NS);
    assertThat(status.startTime()).isEqualTo(NOW);
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.conditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly("Ready=False/Running", "Queued=False/NoLimits");
    assertThat(actions.get(3)).isEqualTo(new RecordEvent(false, "Started",
        "created pod fix-pod to run the Task with Agent agent"));
  }

  @Test
  void theSameStateAlwaysGivesTheSameActions() {
    assertThat(reconciler.reconcile(newTask(List.of()), cluster, false))
        .isEqualTo(reconciler.reconcile(newTask(List.of()), cluster, false));
  }

  @Test
  void aPodThatAlreadyExistsIsAdoptedNeverCreatedTwice() {
    cluster.add(pod("fix-pod", null, Map.of(), Map.of()));

    List<Action> actions = reconciler.reconcile(newTask(List.of()), cluster, false);

    assertThat(actions).noneMatch(CreatePod.class::isInstance).hasSize(1);
    assertThat(statusOf(actions).phase()).isEqualTo(TaskPhase.Running);
    assertThat(statusOf(actions).podName()).isEqualTo("fix-pod");
    assertThat(statusOf(actions).startTime()).isEqualTo(TestPods.CREATED);
  }

  @Test
  void missingAgentFailsTheTask() {
    Task task = Fixtures.task("t", new io.kubeopencode.api.v1alpha1.TaskSpec("x", null, AgentReference.of("nope"),
        null, null, null));

    List<Action> actions = reconciler.reconcile(task, cluster, false);

    assertFailed(actions, "AgentNotFound", "Agent team-a/nope not found");
    assertThat(statusOf(actions).completionTime()).isEqualTo(NOW);
    assertThat(actions).contains(new RecordEvent(true, "AgentNotFound", "Agent team-a/nope not found"));
  }

  @Test
  void anAgentOrTemplateTheCacheDoesNotShowYetIsWaitedForNotAReasonToFail() {
    TaskTemplate template = new TaskTemplate();
    template.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("tpl").build());
    template.setSpec(new TaskTemplateSpec("Review.", AgentReference.of("late"), null, null));
    FakeCluster behind = new FakeCluster().addUncached(template)
        .addUncached(Fixtures.agent("late", Fixtures.agentSpec(List.of(), List.of(), null)));

    Task task = Fixtures.task("t", Fixtures.templated("tpl"));

    assertThat(reconciler.reconcile(task, behind, false)).as("the template exists: wait for the cache")
        .containsExactly(new Action.RequeueAfter(java.time.Duration.ofSeconds(1)));
    behind.add(template);
    assertThat(reconciler.reconcile(task, behind, false)).as("so does the Agent")
        .containsExactly(new Action.RequeueAfter(java.time.Duration.ofSeconds(1)));
    behind.add(Fixtures.agent("late", Fixtures.agentSpec(List.of(), List.of(), null)));
    assertThat(reconciler.reconcile(task, behind, false)).anyMatch(CreatePod.class::isInstance);
  }

  @Test
  void missingTemplateFailsTheTask() {
    assertFailed(reconciler.reconcile(Fixtures.task("t", Fixtures.templated("tpl")), cluster, false),
        "TemplateNotFound", "TaskTemplate team-a/tpl not found");
  }

  @Test
  void theTemplateCanNameTheAgent() {
    TaskTemplate template = new TaskTemplate();
    template.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("tpl").build());
    template.setSpec(new TaskTemplateSpec("Review.", AgentReference.of("agent"), null, null));
    cluster.add(template);

    List<Action> actions = reconciler.reconcile(Fixtures.task("t", Fixtures.templated("tpl")), cluster, false);

    assertThat(statusOf(actions).phase()).isEqualTo(TaskPhase.Running);
  }

  @Test
  void aTaskThatNamesNoAgentRunsWithTheAgentNamedDefault() {
    Task task = Fixtures.task("t", new io.kubeopencode.api.v1alpha1.TaskSpec("x", null, null, null, null, null));
    assertFailed(reconciler.reconcile(task, cluster, false), "AgentNotFound", "Agent team-a/default not found (the"
        + " Task names no Agent, so it runs with the Agent named 'default' of its namespace)");

    cluster.add(Fixtures.agent("default", Fixtures.agentSpec(List.of(), List.of(), null)));
    List<Action> actions = reconciler.reconcile(task, cluster, false);
    assertThat(statusOf(actions).phase()).isEqualTo(TaskPhase.Running);
    assertThat(actions).filteredOn(CreatePod.class::isInstance).singleElement().satisfies(a -> assertThat(
        ((CreatePod) a).pod().getMetadata().getLabels()).containsEntry("kubeopencode.io/agent", "default"));
  }

  @Test
  void aTemplateThatNamesNoAgentAlsoMeansTheDefaultAgent() {
    TaskTemplate template = new TaskTemplate();
    template.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("tpl").build());
    template.setSpec(new TaskTemplateSpec("Review.", null, null, null));
    cluster.add(template).add(Fixtures.agent("default", Fixtures.agentSpec(List.of(), List.of(), null)));

    assertThat(statusOf(reconciler.reconcile(Fixtures.task("t", Fixtures.templated("tpl")), cluster, false)).phase())
        .isEqualTo(TaskPhase.Running);
  }

  @Test
  void contextErrorsFailTheTaskWithTheirMessage() {
    Task task = Fixtures.task("t", Fixtures.spec("x", List.of(ContextItem.configMap("cfg", "cfg",
        new ConfigMapContext("missing", "k", null))), List.of()));

    assertFailed(reconciler.reconcile(task, cluster, false), "ContextError",
        "context 'cfg': ConfigMap team-a/missing not found");
  }

  @Test
  void aRunningTaskWaitsWhileItsPodRuns() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(pod("fix-pod", "Running", Map.of(), Map.of()));

    assertThat(reconciler.reconcile(task, cluster, false)).isEmpty();
  }

  @Test
  void aSucceededPodCompletesTheTaskWithItsOutputs() {
    List<OutputParameter> outputs = List.of(new OutputParameter("pr-url", ".outputs/pr-url", null));
    Task task = withStatus(newTask(outputs), reconciler.reconcile(newTask(outputs), cluster, false));
    cluster.add(pod("fix-pod", "Succeeded", Map.of("output-collector", terminated(0, "Completed",
        OutputsCodec.encode(Map.of("pr-url", "https://example.test/pr/7")))), Map.of("agent",
        terminated(0, "Completed", null))));

    List<Action> actions = reconciler.reconcile(task, cluster, false);

    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Completed);
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("pr-url", "https://example.test/pr/7"));
    assertThat(status.podName()).isEqualTo("fix-pod");
    assertThat(status.completionTime()).as("when the last container ended").isEqualTo(TestPods.FINISHED);
    assertThat(status.startTime()).isEqualTo(NOW);
    assertThat(status.conditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Succeeded");
      assertThat(c.getLastTransitionTime()).isEqualTo(NOW);
    });
    assertThat(actions).contains(new RecordEvent(false, "Completed", "the agent finished successfully"));
  }

  @Test
  void outputsThatDidNotFitAreNamed() {
    List<OutputParameter> outputs = List.of(new OutputParameter("a", "a", null), new OutputParameter("b", "b", null));
    Task task = withStatus(newTask(outputs), reconciler.reconcile(newTask(outputs), cluster, false));
    String huge = new java.util.Random(1).ints(6000, 33, 127).collect(StringBuilder::new,
        StringBuilder::appendCodePoint, StringBuilder::append).toString();
    cluster.add(pod("fix-pod", "Succeeded", Map.of("output-collector",
        terminated(0, "Completed", OutputsCodec.encode(Map.of("a", "small", "b", huge)))), Map.of()));

    TaskStatus status = statusOf(reconciler.reconcile(task, cluster, false));

    assertThat(status.phase()).isEqualTo(TaskPhase.Completed);
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("a", "small"));
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("OutputsTooLarge");
    assertThat(status.conditions().getFirst().getMessage()).contains("outputs b did not fit");
  }

  @Test
  void aFailedRunStillReturnsTheOutputsItWrote() {
    List<OutputParameter> outputs = List.of(new OutputParameter("log", ".outputs/log", null));
    Task task = withStatus(newTask(outputs), reconciler.reconcile(newTask(outputs), cluster, false));
    cluster.add(pod("fix-pod", "Failed", Map.of("output-collector",
        terminated(0, "Completed", OutputsCodec.encode(Map.of("log", "half done")))),
        Map.of("agent", terminated(1, "Error", null))));

    TaskStatus status = statusOf(reconciler.reconcile(task, cluster, false));

    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("AgentFailed");
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("log", "half done"));
  }

  @Test
  void aStatusWithoutThePodCatchesUpWithThePodOfTheLatestAttempt() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    // A restart between creating the replacement pod and writing the status.
    cluster.add(TestPods.disrupted(pod("fix-pod", "Failed", Map.of(), Map.of())))
        .add(pod("fix-pod-1", "Running", Map.of(), Map.of()));

    List<Action> actions = reconciler.reconcile(task, cluster, false);
    assertThat(actions).noneMatch(CreatePod.class::isInstance);
    assertThat(statusOf(actions).podName()).isEqualTo("fix-pod-1");
    task.setStatus(statusOf(actions));
    assertThat(reconciler.reconcile(task, cluster, false)).as("written once").isEmpty();
  }

  @Test
  void aFailingAgentFailsTheTaskWithItsExitCode() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(pod("fix-pod", "Failed", Map.of(), Map.of("agent", terminated(3, "Error", "tests still fail"))));

    List<Action> actions = reconciler.reconcile(task, cluster, false);

    assertFailed(actions, "AgentFailed", "container agent exited with code 3: tests still fail");
    assertThat(actions.getFirst()).as("the log is read before the status is written")
        .isEqualTo(new Action.CaptureLogTail(NS, "fix-pod", "agent"));
    assertThat(statusOf(actions).completionTime()).isEqualTo(TestPods.FINISHED);
  }

  @Test
  void failureReasonsAreReadFromThePod() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(pod("fix-pod", "Failed", Map.of("git-init-0", terminated(128, "Error", "ref 'v9' not found")),
        Map.of()));
    assertFailed(reconciler.reconcile(task, cluster, false), "ContextError",
        "init container git-init-0 failed with exit code 128: ref 'v9' not found");

    FakeCluster oom = new FakeCluster()
        .add(pod("fix-pod", "Failed", Map.of(), Map.of("agent", terminated(137, "OOMKilled", null))));
    assertFailed(reconciler.reconcile(task, oom, false), "OOMKilled",
        "container agent was killed for exceeding its memory limit (exit code 137)");
  }

  @Test
  void anExceededDeadlineIsATimeout() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    Pod pod = new PodBuilder(pod("fix-pod", "Failed", Map.of(), Map.of("agent", terminated(137, "Error", null))))
        .editSpec().withActiveDeadlineSeconds(1800L).endSpec()
        .editStatus().withReason("DeadlineExceeded").withMessage("Pod was active on the node longer than the "
            + "specified deadline").endStatus().build();

    assertFailed(reconciler.reconcile(task, new FakeCluster().add(pod), false), "Timeout",
        "the Task ran longer than its timeout (1800s) and was stopped");
  }

  @Test
  void aPodLostToADisruptionIsReplacedUnderTheNextNameOnlyOnceItsContainersEnded() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(TestPods.disrupted(pod("fix-pod", "Running", Map.of(), Map.of())));
    assertThat(reconciler.reconcile(task, cluster, false)).as("never two at once: it still runs").isEmpty();

    FakeCluster ended = new FakeCluster().add(Fixtures.agent("agent", Fixtures.agentSpec(List.of(), List.of(), null)))
        .add(TestPods.disrupted(pod("fix-pod", "Failed", Map.of(), Map.of("agent", terminated(143, "Error", null)))));
    List<Action> actions = reconciler.reconcile(task, ended, false);

    assertThat(actions).filteredOn(CreatePod.class::isInstance).singleElement()
        .satisfies(a -> assertThat(((CreatePod) a).pod().getMetadata().getName()).isEqualTo("fix-pod-1"));
    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Running);
    assertThat(status.podName()).isEqualTo("fix-pod-1");
    assertThat(status.startTime()).as("the Task's start stays").isEqualTo(NOW);
    assertThat(actions).contains(new RecordEvent(true, "PodLost", "pod fix-pod was lost: EvictionByEvictionAPI: "
        + "Eviction API: evicting; created pod fix-pod-1 to run the Task again"));
  }

  @Test
  void aPodThatVanishedIsReplacedButOneJustCreatedIsAwaited() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));

    assertThat(reconciler.reconcile(task, cluster, true)).as("just created: the cache is behind").isEmpty();
    List<Action> actions = reconciler.reconcile(task, cluster, false);
    assertThat(actions).filteredOn(CreatePod.class::isInstance).singleElement()
        .satisfies(a -> assertThat(((CreatePod) a).pod().getMetadata().getName()).isEqualTo("fix-pod-1"));
    assertThat(statusOf(actions).podName()).isEqualTo("fix-pod-1");
  }

  @Test
  void aPodDeletedBySomeoneElseIsLostAndTooManyLossesFailTheTask() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(TestPods.deleting(pod("fix-pod", "Running", Map.of(), Map.of())));
    assertThat(reconciler.reconcile(task, cluster, false)).as("its containers still run").isEmpty();

    task.setStatus(TaskStatuses.withPod(task.getStatus(), "fix-pod-5"));
    List<Action> actions = reconciler.reconcile(task, new FakeCluster().add(TestPods.deleting(
        pod("fix-pod-5", "Failed", Map.of(), Map.of()))), false);
    assertFailed(actions, "PodLost", "pod fix-pod-5 was lost: deleted; the Task ran in 6 pods, each lost, and is not"
        + " retried again");
  }

  @Test
  void aPodThatSucceededIsNeverReplacedEvenWhenDeletedAfterwards() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(TestPods.deleting(pod("fix-pod", "Succeeded", Map.of(), Map.of("agent",
        terminated(0, "Completed", null)))));

    assertThat(statusOf(reconciler.reconcile(task, cluster, false)).phase()).isEqualTo(TaskPhase.Completed);
  }

  @Test
  void aFailedPodWithoutAContainerToBlameNamesThePodsReason() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    Pod pod = new PodBuilder(pod("fix-pod", "Failed", Map.of(), Map.of())).editStatus().withReason("NodeAffinity")
        .withMessage("Pod Predicate NodeAffinity failed").endStatus().build();

    assertFailed(reconciler.reconcile(task, new FakeCluster().add(pod), false), "AgentFailed",
        "pod fix-pod failed: NodeAffinity: Pod Predicate NodeAffinity failed");
  }

  @Test
  void finishedAndDeletedTasksAreLeftAlone() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), new FakeCluster(), false));
    assertThat(task.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(reconciler.reconcile(task, cluster, false)).isEmpty();

    Task deleting = newTask(List.of());
    deleting.getMetadata().setDeletionTimestamp(NOW);
    assertThat(reconciler.reconcile(deleting, cluster, false)).isEmpty();
  }

  private static void assertFailed(List<Action> actions, String reason, String message) {
    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo(reason);
      assertThat(c.getMessage()).isEqualTo(message);
    });
    assertThat(actions).contains(new RecordEvent(true, reason, message));
  }

  private static Pod pod(String name, String phase, Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> init,
      Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> main) {
    return TestPods.pod("fix", name, phase, init, main);
  }
}
