package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static io.kubeopencode.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.Fixtures;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.DeletePod;
import io.kubeopencode.controller.reconcile.Action.PodFinalizer;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.RequeueAfter;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import io.kubeopencode.outputs.OutputsCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Concurrency limits (oldest first), the stop annotation and timeouts, decided purely. */
class AdmissionStopTimeoutTest {
  private static final String NOW = "2026-11-21T10:00:05Z";
  private final TaskReconciler reconciler =
      new TaskReconciler(IMAGES, Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC));

  private static AgentSpec limitedAgent(int max) {
    return new AgentSpec(null, null, Fixtures.WS, null, null, null, null, null, "sa", null, max, null);
  }

  private static Task task(String name, String timeout, boolean stop, List<OutputParameter> outputs) {
    Task task = Fixtures.task(name, new TaskSpec("x", null, AgentReference.of("agent"), null,
        outputs.isEmpty() ? null : new Outputs(outputs), timeout));
    if (stop) {
      task.getMetadata().setAnnotations(Map.of("kubeopencode.io/stop", "true"));
    }
    return task;
  }

  private static Task running(Task task, String startTime) {
    task.setStatus(new TaskStatus(1L, TaskPhase.Running, null, task.getMetadata().getName() + "-pod", NS, startTime,
        null, null, null, null));
    return task;
  }

  private static TaskStatus status(List<Action> actions) {
    return actions.stream().filter(UpdateStatus.class::isInstance).map(a -> ((UpdateStatus) a).status())
        .findFirst().orElseThrow();
  }

  @Test
  void atCapacityTheTaskIsQueuedAndSaysWhyOnce() {
    FakeCluster cluster = new FakeCluster().add(Fixtures.agent("agent", limitedAgent(2)))
        .workload(NS + "/agent", new AgentWorkload(2, List.of(NS + "/t1")));

    List<Action> actions = reconciler.reconcile(task("t1", null, false, List.of()), cluster, false);

    assertThat(actions).noneMatch(CreatePod.class::isInstance);
    TaskStatus status = status(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Queued);
    assertThat(status.conditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Queued");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("AgentAtCapacity");
      assertThat(c.getMessage())
          .isEqualTo("Agent agent is at capacity (at most 2 running Tasks); waiting for a free slot, oldest first");
    });
    assertThat(actions).filteredOn(RecordEvent.class::isInstance).hasSize(1);

    Task queued = task("t1", null, false, List.of());
    queued.setStatus(status);
    assertThat(reconciler.reconcile(queued, cluster, false)).singleElement().isInstanceOf(UpdateStatus.class)
        .satisfies(a -> assertThat(((UpdateStatus) a).status()).isEqualTo(status));
  }

  @Test
  void slotsGoToTheOldestWaitingTasks() {
    FakeCluster cluster = new FakeCluster().add(Fixtures.agent("agent", limitedAgent(3)))
        .workload(NS + "/agent", new AgentWorkload(1, List.of(NS + "/old", NS + "/mid", NS + "/new")));

    assertThat(reconciler.reconcile(task("old", null, false, List.of()), cluster, false))
        .anyMatch(CreatePod.class::isInstance);
    assertThat(reconciler.reconcile(task("mid", null, false, List.of()), cluster, false))
        .anyMatch(CreatePod.class::isInstance);
    assertThat(status(reconciler.reconcile(task("new", null, false, List.of()), cluster, false)).phase())
        .isEqualTo(TaskPhase.Queued);
  }

  @Test
  void unlimitedAgentsAdmitEverything() {
    FakeCluster cluster = new FakeCluster().add(Fixtures.agent("agent", limitedAgent(0)))
        .workload(NS + "/agent", new AgentWorkload(50, List.of()));

    assertThat(reconciler.reconcile(task("t", null, false, List.of()), cluster, false))
        .anyMatch(CreatePod.class::isInstance);
  }

  @Test
  void stoppingAWaitingTaskCompletesItWithoutAPod() {
    FakeCluster cluster = new FakeCluster().add(Fixtures.agent("agent", limitedAgent(1)));

    List<Action> actions = reconciler.reconcile(task("t", null, true, List.of()), cluster, false);

    assertThat(actions).noneMatch(CreatePod.class::isInstance);
    TaskStatus status = status(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Completed);
    assertThat(status.completionTime()).isEqualTo(NOW);
    assertThat(status.conditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Stopped");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("UserStopped");
    });
  }

  @Test
  void stoppingARunningTaskHoldsItsPodDeletesItGracefullyThenCollectsOutputs() {
    List<OutputParameter> outputs = List.of(new OutputParameter("summary", ".outputs/summary", null));
    Task task = running(task("t", null, true, outputs), "2026-11-21T10:00:00Z");
    Pod runningPod = pod("t-pod", "Running", List.of(), null);
    FakeCluster cluster = new FakeCluster().add(runningPod);

    List<Action> first = reconciler.reconcile(task, cluster, false);
    assertThat(first).containsExactly(new PodFinalizer(NS, "t-pod", true), new DeletePod(NS, "t-pod"));

    Pod terminating = TestPods.deleting(pod("t-pod", "Running", List.of("kubeopencode.io/collect-outputs"), null));
    assertThat(reconciler.reconcile(task, new FakeCluster().add(terminating), false))
        .as("the agent got SIGTERM and may still write").isEmpty();

    Pod terminated = TestPods.deleting(pod("t-pod", "Failed", List.of("kubeopencode.io/collect-outputs"),
        OutputsCodec.encode(Map.of("summary", "half done"))));
    FakeCluster after = new FakeCluster().add(terminated);
    List<Action> second = reconciler.reconcile(task, after, false);

    TaskStatus status = status(second);
    assertThat(status.phase()).isEqualTo(TaskPhase.Completed);
    assertThat(status.outputs().parameters()).containsExactly(Map.entry("summary", "half done"));
    assertThat(status.conditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Stopped");
      assertThat(c.getReason()).isEqualTo("UserStopped");
    });
    assertThat(second).contains(new PodFinalizer(NS, "t-pod", false));
  }

  @Test
  void aTaskPastItsTimeoutIsStoppedAndFails() {
    Task task = running(task("t", "1m", false, List.of()), "2026-11-21T09:58:00Z");
    assertThat(reconciler.reconcile(task, new FakeCluster().add(pod("t-pod", "Running", List.of(), null)), false))
        .containsExactly(new PodFinalizer(NS, "t-pod", true), new DeletePod(NS, "t-pod"));

    List<Action> done = reconciler.reconcile(task, new FakeCluster()
        .add(TestPods.deleting(pod("t-pod", "Failed", List.of("kubeopencode.io/collect-outputs"), null))), false);
    TaskStatus status = status(done);
    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("Timeout");
    assertThat(status.conditions().getFirst().getMessage())
        .isEqualTo("the Task ran longer than its timeout (1m) and was stopped");
  }

  @Test
  void thePodsOwnDeadlineIsTheTimeoutAndAReplacementGetsOnlyWhatIsLeft() {
    FakeCluster cluster = new FakeCluster().add(Fixtures.agent("agent", limitedAgent(0)));
    List<Action> started = reconciler.reconcile(task("t", "1h30m", false, List.of()), cluster, false);
    assertThat(started).filteredOn(CreatePod.class::isInstance).singleElement().satisfies(a ->
        assertThat(((CreatePod) a).pod().getSpec().getActiveDeadlineSeconds()).isEqualTo(5400L));

    Task task = running(task("t", "1h30m", false, List.of()), "2026-11-21T09:30:05Z");
    cluster.add(TestPods.disrupted(pod("t-pod", "Failed", List.of(), null)));
    assertThat(reconciler.reconcile(task, cluster, false)).filteredOn(CreatePod.class::isInstance).singleElement()
        .satisfies(a -> {
          assertThat(((CreatePod) a).pod().getMetadata().getName()).isEqualTo("t-pod-1");
          assertThat(((CreatePod) a).pod().getSpec().getActiveDeadlineSeconds()).as("an hour left").isEqualTo(3600L);
        });
  }

  @Test
  void aRunningTaskWithATimeoutIsLookedAtAgainWhenItExpires() {
    Task task = running(task("t", "30m", false, List.of()), "2026-11-21T10:00:00Z");

    assertThat(reconciler.reconcile(task, new FakeCluster().add(pod("t-pod", "Running", List.of(), null)), false))
        .containsExactly(new RequeueAfter(Duration.ofMinutes(30).minusSeconds(5).plusMillis(100)));
  }

  @Test
  void aFinishedTaskReleasesItsPods() {
    Task task = running(task("t", null, false, List.of()), "2026-11-21T10:00:00Z");
    task.setStatus(new TaskStatus(1L, TaskPhase.Completed, null, "t-pod", NS, null, NOW, null, null, null));

    assertThat(reconciler.reconcile(task, new FakeCluster()
        .add(pod("t-pod", "Failed", List.of("kubeopencode.io/collect-outputs"), null)), false))
        .containsExactly(new PodFinalizer(NS, "t-pod", false));
  }

  @Test
  void anImageThatCannotBePulledFailsTheTaskAfterTheGracePeriod() {
    Task task = running(task("t", null, false, List.of()), "2026-11-21T10:00:00Z");
    Pod waiting = new PodBuilder(pod("t-pod", "Pending", List.of(), null)).editMetadata()
        .withCreationTimestamp("2026-11-21T09:59:35Z").endMetadata().editStatus().addNewContainerStatus()
        .withName("agent").withImage("example.test/devbox:9").withNewState().withNewWaiting()
        .withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting().endState()
        .endContainerStatus().endStatus().build();
    FakeCluster cluster = new FakeCluster().add(waiting);

    List<Action> waitingActions = reconciler.reconcile(task, cluster, false);
    assertThat(waitingActions).as("30 s into a 2 min grace: the Task stays Running")
        .containsExactly(new RequeueAfter(Duration.ofSeconds(90).plusMillis(100)));

    TaskReconciler strict = new TaskReconciler(IMAGES, Duration.ofSeconds(10),
        Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC));
    List<Action> actions = strict.reconcile(task, cluster, false);
    assertThat(actions.getFirst()).isEqualTo(new DeletePod(NS, "t-pod"));
    TaskStatus status = status(actions);
    assertThat(status.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(status.conditions().getFirst().getReason()).isEqualTo("ImagePullFailed");
    assertThat(status.conditions().getFirst().getMessage()).isEqualTo("image example.test/devbox:9 of container agent"
        + " could not be pulled: ImagePullBackOff: Back-off pulling image (for 30 s)");
    assertThat(status.podName()).isEqualTo("t-pod");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "agent|false|CreateContainerConfigError|container has runAsNonRoot and image will run as root",
      "agent|false|CreateContainerError|failed to create containerd container: mount denied",
      "agent|false|RunContainerError|exec: \"sh\": executable file not found in $PATH",
      "output-collector|true|CrashLoopBackOff|back-off 40s restarting failed container",
      "git-init-0|true|CreateContainerConfigError|secret \"git-creds\" not found"})
  void aContainerThatCannotStartFailsTheTaskAfterTheGracePeriodWithTheKubeletsWords(String container, boolean init,
      String reason, String kubeletMessage) {
    Task task = running(task("t", null, false, List.of()), "2026-11-21T10:00:00Z");
    PodBuilder builder = new PodBuilder(pod("t-pod", "Pending", List.of(), null)).editMetadata()
        .withCreationTimestamp("2026-11-21T09:59:35Z").endMetadata();
    var status = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(container)
        .withNewState().withNewWaiting().withReason(reason).withMessage(kubeletMessage).endWaiting().endState().build();
    Pod stuck = init ? builder.editStatus().addToInitContainerStatuses(status).endStatus().build()
        : builder.editStatus().addToContainerStatuses(status).endStatus().build();
    FakeCluster cluster = new FakeCluster().add(stuck);

    assertThat(reconciler.reconcile(task, cluster, false)).as("within the grace period")
        .contains(new RequeueAfter(Duration.ofSeconds(90).plusMillis(100)));
    List<Action> actions = new TaskReconciler(IMAGES, Duration.ofSeconds(10),
        Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC)).reconcile(task, cluster, false);

    assertThat(actions.getFirst()).as("the pod is stopped, the slot freed").isEqualTo(new DeletePod(NS, "t-pod"));
    TaskStatus failed = status(actions);
    assertThat(failed.phase()).isEqualTo(TaskPhase.Failed);
    assertThat(failed.conditions().getFirst().getReason()).isEqualTo("ContainerStartFailed");
    assertThat(failed.conditions().getFirst().getMessage()).isEqualTo("container " + container + " cannot start: "
        + reason + ": " + kubeletMessage + " (for 30 s)");
  }

  @Test
  void containersThatAreStillStartingAreNotAProblem() {
    Task task = running(task("t", null, false, List.of()), "2026-11-21T10:00:00Z");
    Pod starting = new PodBuilder(pod("t-pod", "Pending", List.of(), null)).editStatus().addNewInitContainerStatus()
        .withName("context-init").withNewState().withNewWaiting().withReason("PodInitializing").endWaiting()
        .endState().endInitContainerStatus().addNewContainerStatus().withName("agent").withNewState().withNewWaiting()
        .withReason("ContainerCreating").endWaiting().endState().endContainerStatus().endStatus().build();

    assertThat(reconciler.reconcile(task, new FakeCluster().add(starting), false))
        .noneMatch(RequeueAfter.class::isInstance).noneMatch(DeletePod.class::isInstance);
  }

  private static Pod pod(String name, String phase, List<String> finalizers, String collectorMessage) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(NS).withName(name)
        .addToAnnotations("kubeopencode.io/task", NS + "/t").withFinalizers(finalizers).withCreationTimestamp("2026-11-21T10:00:01Z").endMetadata()
        .withNewStatus().withPhase(phase).endStatus();
    if (collectorMessage != null) {
      pod.editStatus().addNewInitContainerStatus().withName("output-collector").withNewState().withNewTerminated()
          .withExitCode(0).withMessage(collectorMessage).endTerminated().endState().endInitContainerStatus()
          .endStatus();
    }
    return pod.build();
  }
}
