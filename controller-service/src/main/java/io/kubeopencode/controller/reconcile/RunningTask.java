package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.job.Durations;
import io.kubeopencode.controller.job.Reasons;
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
 * The decisions about a Task that is Running and whose Job exists: its outcome once the Job finished, a stop or a
 * timeout, the name of its pod, a container that cannot start. Pure ({@link Clock} injected).
 */
final class RunningTask {
  private final TaskStatuses statuses;
  private final Duration containerStartGrace;
  private final Clock clock;

  RunningTask(TaskStatuses statuses, Duration containerStartGrace, Clock clock) {
    this.statuses = statuses;
    this.containerStartGrace = containerStartGrace;
    this.clock = clock;
  }

  /** What a Running Task whose Job exists needs: finish, stop, report its pod, fail a stuck start, or wait. */
  List<Action> decide(Task task, Job job, List<Pod> pods) {
    TaskStatus status = task.getStatus();
    Optional<Pod> pod = newest(pods);
    JobOutcome outcome = JobOutcome.of(job, pod);
    if (outcome.finished()) {
      List<Action> actions = new ArrayList<>(outcome.succeeded() ? complete(task, outcome, pod)
          : finishFailed(task, outcome, pod));
      actions.addAll(releasePods(pods));
      return actions;
    }
    if (stopRequested(task) || timedOut(task)) {
      return stopRunning(task, job, pods);
    }
    List<Action> actions = new ArrayList<>();
    if (pod.isPresent() && !pod.get().getMetadata().getName().equals(status.podName())) {
      // Users follow the run with kubectl logs <status.podName> while it runs, as with earlier releases.
      actions.add(new UpdateStatus(TaskStatuses.withPod(status, pod.get().getMetadata().getName())));
    }
    Optional<JobOutcome.Failure> cannotStart = pod.flatMap(JobOutcome::startProblem);
    if (cannotStart.isPresent()) {
      // The kubelet retries such a container forever; after the grace period the Task fails instead of hanging.
      Duration waiting = Duration.between(Instant.parse(pod.get().getMetadata().getCreationTimestamp()),
          Instant.now(clock));
      if (waiting.compareTo(containerStartGrace) < 0) {
        actions.add(new Action.RequeueAfter(containerStartGrace.minus(waiting).plusMillis(100)));
        return actions;
      }
      return cannotStart(task, job, pod.get(), cannotStart.get(), waiting);
    }
    timeout(task).ifPresent(t -> actions.add(new Action.RequeueAfter(
        Duration.between(Instant.now(clock), Instant.parse(status.startTime()).plus(t)).plusMillis(100))));
    return actions;
  }

  /** Stops the pod (the Job is suspended) and fails the Task, keeping the name of the pod that could not start. */
  private List<Action> cannotStart(Task task, Job job, Pod pod, JobOutcome.Failure failure, Duration waiting) {
    String message = failure.message() + " (for " + waiting.toSeconds() + " s)";
    TaskStatus failed = TaskStatuses.withPod(statuses.failed(task, failure.reason(), message),
        pod.getMetadata().getName());
    return List.of(new Action.SuspendJob(job.getMetadata().getNamespace(), job.getMetadata().getName()),
        new UpdateStatus(failed), new RecordEvent(true, failure.reason(), message));
  }

  /**
   * Stops a running Task (user stop or timeout): keep its pods until their statuses are read, then suspend the Job
   * so the agent gets SIGTERM and the output collector reports what was written so far. The Task finishes when the
   * pods have terminated.
   */
  private List<Action> stopRunning(Task task, Job job, List<Pod> pods) {
    List<Action> actions = new ArrayList<>();
    for (Pod pod : pods) {
      if (!hasFinalizer(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
        actions.add(new Action.PodFinalizer(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), true));
      }
    }
    if (!Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      actions.add(new Action.SuspendJob(job.getMetadata().getNamespace(), job.getMetadata().getName()));
      return actions;
    }
    if (pods.stream().anyMatch(RunningTask::stillRunning)) {
      return actions;
    }
    Optional<Pod> pod = newest(pods);
    actions.addAll(captureLogTail(pod));
    if (stopRequested(task)) {
      String message = "stopped by the kubeopencode.io/stop annotation";
      TaskResults results = TaskResults.collect(task, JobOutcome.collectorMessage(pod));
      actions.add(new UpdateStatus(statuses.finished(task, TaskPhase.Completed, false, Reasons.USER_STOPPED, message,
          null, pod, results.values(), true)));
      actions.add(new RecordEvent(false, Reasons.USER_STOPPED, message));
    } else {
      String message = "the Task ran longer than its timeout (" + task.getSpec().timeout() + ") and was stopped";
      actions.add(new UpdateStatus(statuses.finished(task, TaskPhase.Failed, false, Reasons.DEADLINE_EXCEEDED,
          message, null, pod, TaskResults.valuesOf(JobOutcome.collectorMessage(pod)), false)));
      actions.add(new RecordEvent(true, Reasons.DEADLINE_EXCEEDED, message));
    }
    actions.addAll(releasePods(pods));
    return actions;
  }

  private List<Action> complete(Task task, JobOutcome outcome, Optional<Pod> pod) {
    TaskResults results = TaskResults.collect(task, JobOutcome.collectorMessage(pod));
    TaskStatus status = statuses.finished(task, TaskPhase.Completed, true, results.reason(), results.message(),
        outcome.finishedAt(), pod, results.values(), false);
    List<Action> actions = new ArrayList<>(List.of(new UpdateStatus(status),
        new RecordEvent(false, "Completed", results.message())));
    if (!results.reason().equals(Reasons.SUCCEEDED)) {
      actions.add(new RecordEvent(true, results.reason(), results.message()));
    }
    return actions;
  }

  private List<Action> finishFailed(Task task, JobOutcome outcome, Optional<Pod> pod) {
    // Whatever the agent wrote before it failed is returned too, as earlier releases did.
    TaskStatus status = statuses.finished(task, TaskPhase.Failed, false, outcome.reason(), outcome.message(),
        outcome.finishedAt(), pod, TaskResults.valuesOf(JobOutcome.collectorMessage(pod)), false);
    List<Action> actions = new ArrayList<>(captureLogTail(pod));
    actions.add(new UpdateStatus(status));
    actions.add(new RecordEvent(true, outcome.reason(), outcome.message()));
    return actions;
  }

  private static List<Action> captureLogTail(Optional<Pod> pod) {
    return pod.<Action>map(p -> new Action.CaptureLogTail(p.getMetadata().getNamespace(), p.getMetadata().getName(),
        JobOutcome.AGENT)).stream().toList();
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

  /** A pod whose containers may still write: not yet Succeeded or Failed. */
  private static boolean stillRunning(Pod pod) {
    String phase = pod.getStatus() != null ? pod.getStatus().getPhase() : null;
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  static boolean stopRequested(Task task) {
    Map<String, String> annotations = task.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(KubeOpenCode.ANNOTATION_STOP));
  }

  private static Optional<Duration> timeout(Task task) {
    return Optional.ofNullable(task.getSpec().timeout()).map(Durations::parse);
  }

  private boolean timedOut(Task task) {
    return timeout(task).map(t -> task.getStatus().startTime() != null
        && !Instant.now(clock).isBefore(Instant.parse(task.getStatus().startTime()).plus(t))).orElse(false);
  }

  private static Optional<Pod> newest(List<Pod> pods) {
    return pods.stream().max(Comparator.comparing((Pod p) -> nullToEmpty(p.getMetadata().getCreationTimestamp()))
        .thenComparing(p -> p.getMetadata().getName()));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
