package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static io.kubeopencode.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
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
import io.kubeopencode.controller.reconcile.Action.CreateJob;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import io.kubeopencode.outputs.OutputsCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
  void aNewTaskGetsItsConfigMapAndJobAndGoesRunning() {
    List<Action> actions = reconciler.reconcile(newTask(List.of()), cluster, false);

    assertThat(actions).hasSize(4);
    assertThat(actions.get(0)).isInstanceOfSatisfying(CreateConfigMap.class,
        a -> assertThat(a.configMap().getMetadata().getName()).isEqualTo("fix-context"));
    assertThat(actions.get(1)).isInstanceOfSatisfying(CreateJob.class,
        a -> assertThat(a.job().getMetadata().getName()).isEqualTo("fix"));
    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Running);
    assertThat(status.jobName()).isEqualTo("fix");
    assertThat(status.podNamespace()).isEqualTo(NS);
    assertThat(status.startTime()).isEqualTo(NOW);
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.conditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly("Ready=False/Running", "Queued=False/NoLimits");
    assertThat(actions.get(3)).isEqualTo(new RecordEvent(false, "Started",
        "created Job fix to run the Task with Agent agent"));
  }

  @Test
  void theSameStateAlwaysGivesTheSameActions() {
    assertThat(reconciler.reconcile(newTask(List.of()), cluster, false))
        .isEqualTo(reconciler.reconcile(newTask(List.of()), cluster, false));
  }

  @Test
  void aJobThatAlreadyExistsIsAdoptedNeverCreatedTwice() {
    Job existing = job("fix", null);
    cluster.add(existing);

    List<Action> actions = reconciler.reconcile(newTask(List.of()), cluster, false);

    assertThat(actions).noneMatch(CreateJob.class::isInstance).hasSize(1);
    assertThat(statusOf(actions).phase()).isEqualTo(TaskPhase.Running);
    assertThat(statusOf(actions).startTime()).isEqualTo("2026-11-21T10:00:01Z");
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
    assertThat(actions).filteredOn(CreateJob.class::isInstance).singleElement().satisfies(a -> assertThat(
        ((CreateJob) a).job().getMetadata().getLabels()).containsEntry("kubeopencode.io/agent", "default"));
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
  void aRunningTaskWaitsWhileItsJobRuns() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(job("fix", null));

    assertThat(reconciler.reconcile(task, cluster, false)).isEmpty();
  }

  @Test
  void aSucceededJobCompletesTheTaskWithItsOutputs() {
    List<OutputParameter> outputs = List.of(new OutputParameter("pr-url", ".outputs/pr-url", null));
    Task task = withStatus(newTask(outputs), reconciler.reconcile(newTask(outputs), cluster, false));
    cluster.add(job("fix", "Complete")).add(pod("fix-abcde", Map.of("output-collector",
        terminated(0, "Completed", OutputsCodec.encode(Map.of("pr-url", "https://example.test/pr/7")))), Map.of()));

    List<Action> actions = reconciler.reconcile(task, cluster, false);

    TaskStatus status = statusOf(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Completed);
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("pr-url", "https://example.test/pr/7"));
    assertThat(status.podName()).isEqualTo("fix-abcde");
    assertThat(status.completionTime()).isEqualTo("2026-11-21T10:03:00Z");
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
    cluster.add(job("fix", "Complete")).add(pod("fix-abcde", Map.of("output-collector",
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
    cluster.add(job("fix", "Failed")).add(pod("fix-abcde", Map.of("output-collector",
        terminated(0, "Completed", OutputsCodec.encode(Map.of("log", "half done")))),
        Map.of("agent", terminated(1, "Error", null))));

    TaskStatus status = statusOf(reconciler.reconcile(task, cluster, false));

    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("AgentFailed");
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("log", "half done"));
  }

  @Test
  void thePodNameIsSetAsSoonAsThePodExistsAndFollowsAReplacement() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(job("fix", null)).add(pod("fix-abcde", Map.of(), Map.of()));

    List<Action> actions = reconciler.reconcile(task, cluster, false);
    assertThat(statusOf(actions).podName()).isEqualTo("fix-abcde");
    assertThat(statusOf(actions).phase()).isEqualTo(TaskPhase.Running);
    task.setStatus(statusOf(actions));
    assertThat(reconciler.reconcile(task, cluster, false)).as("written once").isEmpty();

    Pod replacement = new PodBuilder(pod("fix-fghij", Map.of(), Map.of())).editMetadata()
        .withCreationTimestamp("2026-11-21T10:00:04Z").endMetadata().build();
    cluster.add(replacement);
    assertThat(statusOf(reconciler.reconcile(task, cluster, false)).podName()).isEqualTo("fix-fghij");
  }

  @Test
  void aFailingAgentFailsTheTaskWithItsExitCode() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(job("fix", "Failed")).add(pod("fix-abcde", Map.of(),
        Map.of("agent", terminated(3, "Error", "tests still fail"))));

    List<Action> actions = reconciler.reconcile(task, cluster, false);

    assertFailed(actions, "AgentFailed", "container agent exited with code 3: tests still fail");
    assertThat(actions.getFirst()).as("the log is read before the status is written")
        .isEqualTo(new Action.CaptureLogTail(NS, "fix-abcde", "agent"));
    assertThat(statusOf(actions).completionTime()).isEqualTo("2026-11-21T10:03:00Z");
  }

  @Test
  void failureReasonsAreReadFromThePod() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    cluster.add(job("fix", "Failed")).add(pod("fix-abcde",
        Map.of("git-init-0", terminated(128, "Error", "ref 'v9' not found")), Map.of()));
    assertFailed(reconciler.reconcile(task, cluster, false), "ContextError",
        "init container git-init-0 failed with exit code 128: ref 'v9' not found");

    FakeCluster oom = new FakeCluster().add(job("fix", "Failed"))
        .add(pod("fix-x", Map.of(), Map.of("agent", terminated(137, "OOMKilled", null))));
    assertFailed(reconciler.reconcile(task, oom, false), "OOMKilled",
        "container agent was killed for exceeding its memory limit (exit code 137)");
  }

  @Test
  void anExceededDeadlineIsATimeout() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));
    Job job = new JobBuilder(job("fix", "Failed")).editSpec().withActiveDeadlineSeconds(1800L).endSpec()
        .editStatus().editFirstCondition().withReason("DeadlineExceeded").endCondition().endStatus().build();

    assertFailed(reconciler.reconcile(task, new FakeCluster().add(job), false), "Timeout",
        "the Task ran longer than its timeout (1800s) and was stopped");
  }

  @Test
  void aJobDeletedUnderARunningTaskFailsIt() {
    Task task = withStatus(newTask(List.of()), reconciler.reconcile(newTask(List.of()), cluster, false));

    assertThat(reconciler.reconcile(task, cluster, true)).as("just created: the cache is behind").isEmpty();
    assertFailed(reconciler.reconcile(task, cluster, false), "JobDeleted",
        "Job team-a/fix was deleted while the Task was running");
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

  private static Job job(String name, String conditionType) {
    JobBuilder job = new JobBuilder().withNewMetadata().withNamespace(NS).withName(name)
        .withCreationTimestamp("2026-11-21T10:00:01Z").endMetadata().withNewSpec().endSpec();
    if (conditionType != null) {
      job.withNewStatus().addNewCondition().withType(conditionType).withStatus("True").withReason("BackoffLimitExceeded")
          .withMessage("Job has reached the specified backoff limit").withLastTransitionTime("2026-11-21T10:03:00Z")
          .endCondition().withCompletionTime("Complete".equals(conditionType) ? "2026-11-21T10:03:00Z" : null)
          .endStatus();
    }
    return job.build();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(int exitCode, String reason,
      String message) {
    return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withNewState().withNewTerminated()
        .withExitCode(exitCode).withReason(reason).withMessage(message).endTerminated().endState().build();
  }

  private static Pod pod(String name, Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> init,
      Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> main) {
    return new PodBuilder().withNewMetadata().withNamespace(NS).withName(name).addToLabels("job-name", "fix")
        .withCreationTimestamp("2026-11-21T10:00:02Z").endMetadata()
        .withNewStatus()
          .withInitContainerStatuses(init.entrySet().stream().map(e -> new io.fabric8.kubernetes.api.model
              .ContainerStatusBuilder(e.getValue()).withName(e.getKey()).build()).toList())
          .withContainerStatuses(main.entrySet().stream().map(e -> new io.fabric8.kubernetes.api.model
              .ContainerStatusBuilder(e.getValue()).withName(e.getKey()).build()).toList())
        .endStatus().build();
  }
}
