package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.job.Durations;
import io.kubeopencode.controller.job.Reasons;
import io.kubeopencode.controller.job.TaskNames;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decisions about a Task that is Running: its outcome once its pod finished, a stop or a timeout, a pod lost to
 * a disruption and replaced, the name of its pod, a container that cannot start. Pure ({@link Clock} injected).
 */
final class RunningTask {
  /** Replacements after disruptions before the Task fails instead (the first pod is attempt 0). */
  static final int MAX_ATTEMPTS = 6;

  /** Creates the pod of an attempt: the Task's planning, done again for a replacement. */
  interface Replacement {
    List<Action> create(int attempt, String why);
  }

  private final TaskStatuses statuses;
  private final Duration containerStartGrace;
  private final Clock clock;

  RunningTask(TaskStatuses statuses, Duration containerStartGrace, Clock clock) {
    this.statuses = statuses;
    this.containerStartGrace = containerStartGrace;
    this.clock = clock;
  }

  /**
   * What a Running Task needs: finish, stop, replace a lost pod, report its pod, fail a stuck start, or wait.
   *
   * @param pods every pod of the Task (all attempts)
   * @param podExpected the controller created the current pod moments ago, so a cache without it is behind
   */
  List<Action> decide(Task task, String runName, List<Pod> pods, boolean podExpected, Replacement replacement) {
    TaskStatus status = task.getStatus();
    Optional<Pod> pod = current(runName, pods);
    boolean stopping = stopRequested(task) || timedOut(task);
    if (pod.isEmpty()) {
      if (podExpected) {
        return List.of();
      }
      if (stopping) {
        return stopRunning(task, pods, Optional.empty());
      }
      // The pod vanished (force-deleted, its node's pod garbage-collected) before its end was seen: run it again.
      return replace(task, nextAttempt(runName, status.podName()), "pod " + status.podName() + " was lost: deleted",
          replacement);
    }
    RunOutcome outcome = RunOutcome.of(pod.get());
    boolean deleted = pod.get().getMetadata().getDeletionTimestamp() != null;
    if (stopping && deleted) {
      return stopRunning(task, pods, pod);
    }
    // A pod being deleted that still finished is only ever one that succeeded (else it counts as lost).
    if (outcome.finished()) {
      List<Action> actions = new ArrayList<>(outcome.state() == RunOutcome.State.SUCCEEDED
          ? complete(task, outcome, pod) : finishFailed(task, outcome, pod));
      actions.addAll(releasePods(pods));
      return actions;
    }
    if (stopping) {
      return stopRunning(task, pods, pod);
    }
    if (outcome.state() == RunOutcome.State.LOST) {
      // Never two at once: the replacement waits until the lost pod's containers have ended.
      return RunOutcome.stillRunning(pod.get()) ? List.of() : replace(task,
          TaskNames.attemptOf(runName, pod.get().getMetadata().getName()) + 1, outcome.message(), replacement);
    }
    List<Action> actions = new ArrayList<>();
    if (!pod.get().getMetadata().getName().equals(status.podName())) {
      // A restart between creating the pod and writing the status: the status catches up.
      actions.add(new UpdateStatus(TaskStatuses.withPod(status, pod.get().getMetadata().getName())));
    }
    Optional<RunOutcome.Failure> cannotStart = RunOutcome.startProblem(pod.get());
    if (cannotStart.isPresent()) {
      // The kubelet retries such a container forever; after the grace period the Task fails instead of hanging.
      Duration waiting = Duration.between(Instant.parse(pod.get().getMetadata().getCreationTimestamp()),
          Instant.now(clock));
      if (waiting.compareTo(containerStartGrace) < 0) {
        actions.add(new Action.RequeueAfter(containerStartGrace.minus(waiting).plusMillis(100)));
        return actions;
      }
      return cannotStart(task, pod.get(), cannotStart.get(), waiting);
    }
    deadline(task).ifPresent(d -> actions.add(new Action.RequeueAfter(
        Duration.between(Instant.now(clock), d).plusMillis(100))));
    return actions;
  }

  /** A replacement pod under the next deterministic name, unless the Task was replaced too often already. */
  private List<Action> replace(Task task, int attempt, String why, Replacement replacement) {
    if (attempt >= MAX_ATTEMPTS) {
      String message = why + "; the Task ran in " + MAX_ATTEMPTS + " pods, each lost, and is not retried again";
      return List.of(new UpdateStatus(statuses.failed(task, Reasons.POD_LOST, message)),
          new RecordEvent(true, Reasons.POD_LOST, message));
    }
    return replacement.create(attempt, why);
  }

  /** The status and event that go with a replacement pod, after the kube layer created it. */
  List<Action> replaced(Task task, String podName, String why) {
    return List.of(new UpdateStatus(statuses.replaced(task, podName, why)),
        new RecordEvent(true, Reasons.POD_LOST, why + "; created pod " + podName + " to run the Task again"));
  }

  /** The attempt after the one named in the status (the first pod when none is named). */
  private static int nextAttempt(String runName, String podName) {
    return podName == null ? 0 : Math.max(0, TaskNames.attemptOf(runName, podName) + 1);
  }

  /** Deletes the pod that cannot start and fails the Task, keeping the pod's name. */
  private List<Action> cannotStart(Task task, Pod pod, RunOutcome.Failure failure, Duration waiting) {
    String message = failure.message() + " (for " + waiting.toSeconds() + " s)";
    TaskStatus failed = TaskStatuses.withPod(statuses.failed(task, failure.reason(), message),
        pod.getMetadata().getName());
    return List.of(new Action.DeletePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
        new UpdateStatus(failed), new RecordEvent(true, failure.reason(), message));
  }

  /**
   * Stops a running Task (user stop or timeout): the pod is deleted gracefully while the output finalizer holds it,
   * so the agent gets SIGTERM and the output collector reports what was written so far. The Task finishes when the
   * pod's containers have ended, and the finalizer comes off.
   */
  private List<Action> stopRunning(Task task, List<Pod> pods, Optional<Pod> pod) {
    List<Action> actions = new ArrayList<>();
    if (pod.isPresent() && pod.get().getMetadata().getDeletionTimestamp() == null) {
      Pod p = pod.get();
      if (RunOutcome.stillRunning(p)) {
        if (!hasFinalizer(p)) {
          actions.add(new Action.PodFinalizer(p.getMetadata().getNamespace(), p.getMetadata().getName(), true));
        }
        actions.add(new Action.DeletePod(p.getMetadata().getNamespace(), p.getMetadata().getName()));
        return actions;
      }
    }
    if (pod.isPresent() && RunOutcome.stillRunning(pod.get())) {
      return actions;
    }
    actions.addAll(captureLogTail(pod));
    if (stopRequested(task)) {
      String message = "stopped by the kubeopencode.io/stop annotation";
      TaskResults results = TaskResults.collect(task, RunOutcome.collectorMessage(pod));
      actions.add(new UpdateStatus(statuses.finished(task, TaskPhase.Completed, false, Reasons.USER_STOPPED, message,
          null, pod, results.values(), true)));
      actions.add(new RecordEvent(false, Reasons.USER_STOPPED, message));
    } else {
      String message = "the Task ran longer than its timeout (" + task.getSpec().timeout() + ") and was stopped";
      actions.add(new UpdateStatus(statuses.finished(task, TaskPhase.Failed, false, Reasons.DEADLINE_EXCEEDED,
          message, null, pod, TaskResults.valuesOf(RunOutcome.collectorMessage(pod)), false)));
      actions.add(new RecordEvent(true, Reasons.DEADLINE_EXCEEDED, message));
    }
    actions.addAll(releasePods(pods));
    return actions;
  }

  private List<Action> complete(Task task, RunOutcome outcome, Optional<Pod> pod) {
    TaskResults results = TaskResults.collect(task, RunOutcome.collectorMessage(pod));
    TaskStatus status = statuses.finished(task, TaskPhase.Completed, true, results.reason(), results.message(),
        outcome.finishedAt(), pod, results.values(), false);
    List<Action> actions = new ArrayList<>(List.of(new UpdateStatus(status),
        new RecordEvent(false, "Completed", results.message())));
    if (!results.reason().equals(Reasons.SUCCEEDED)) {
      actions.add(new RecordEvent(true, results.reason(), results.message()));
    }
    return actions;
  }

  private List<Action> finishFailed(Task task, RunOutcome outcome, Optional<Pod> pod) {
    // Whatever the agent wrote before it failed is returned too, as earlier releases did.
    TaskStatus status = statuses.finished(task, TaskPhase.Failed, false, outcome.reason(), outcome.message(),
        outcome.finishedAt(), pod, TaskResults.valuesOf(RunOutcome.collectorMessage(pod)), false);
    List<Action> actions = new ArrayList<>(captureLogTail(pod));
    actions.add(new UpdateStatus(status));
    actions.add(new RecordEvent(true, outcome.reason(), outcome.message()));
    return actions;
  }

  private static List<Action> captureLogTail(Optional<Pod> pod) {
    return pod.<Action>map(p -> new Action.CaptureLogTail(p.getMetadata().getNamespace(), p.getMetadata().getName(),
        RunOutcome.AGENT)).stream().toList();
  }

  /** Our finalizer comes off every pod once the Task no longer needs their statuses. */
  static List<Action> releasePods(List<Pod> pods) {
    return pods.stream().filter(RunningTask::hasFinalizer)
        .<Action>map(p -> new Action.PodFinalizer(p.getMetadata().getNamespace(), p.getMetadata().getName(), false))
        .toList();
  }

  private static boolean hasFinalizer(Pod pod) {
    return pod.getMetadata().getFinalizers() != null
        && pod.getMetadata().getFinalizers().contains(KubeOpenCode.FINALIZER_COLLECT_OUTPUTS);
  }

  static boolean stopRequested(Task task) {
    Map<String, String> annotations = task.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(KubeOpenCode.ANNOTATION_STOP));
  }

  private static Optional<Duration> timeout(Task task) {
    return Optional.ofNullable(task.getSpec().timeout()).map(Durations::parse);
  }

  /** When the Task's timeout ends, counted from its start (replacement pods get only what is left). */
  private static Optional<Instant> deadline(Task task) {
    String start = task.getStatus() != null ? task.getStatus().startTime() : null;
    return start == null ? Optional.empty() : timeout(task).map(t -> Instant.parse(start).plus(t));
  }

  private boolean timedOut(Task task) {
    return deadline(task).map(d -> !Instant.now(clock).isBefore(d)).orElse(false);
  }

  /** The pod of the latest attempt: the one the Task runs in now. */
  static Optional<Pod> current(String runName, List<Pod> pods) {
    return pods.stream().filter(p -> TaskNames.attemptOf(runName, p.getMetadata().getName()) >= 0)
        .max(Comparator.comparingInt(p -> TaskNames.attemptOf(runName, p.getMetadata().getName())));
  }
}
