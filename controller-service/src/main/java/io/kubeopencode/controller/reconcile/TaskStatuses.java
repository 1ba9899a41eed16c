package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.OutputValues;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.job.Reasons;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The status values a Task moves through; conditions keep their transition times when unchanged. Pure. */
final class TaskStatuses {
  private final Clock clock;

  TaskStatuses(Clock clock) {
    this.clock = clock;
  }

  /** Now, as status timestamps are written (RFC 3339, whole seconds). */
  String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * @param admission why the Task could start ({@link Reasons#CAPACITY_AVAILABLE} or {@link Reasons#NO_LIMITS}):
   *     Queued turns False with it; null leaves Queued as it is
   */
  TaskStatus running(Task task, String podName, String runNamespace, String startedAt, String admission) {
    String now = now();
    List<Condition> conditions = Conditions.set(conditions(task), Conditions.READY, false, Reasons.RUNNING,
        "the agent is running in pod " + podName, generation(task), now);
    if (admission != null) {
      conditions = Conditions.set(conditions, Conditions.QUEUED, false, admission,
          admission.equals(Reasons.NO_LIMITS) ? "the Agent has no concurrency or quota limit"
              : "admitted: the Agent had capacity and quota for it", generation(task), now);
    }
    TaskStatus current = task.getStatus();
    // status.jobName stays empty: a Task runs as a bare pod (the field is kept for earlier clients).
    return new TaskStatus(generation(task), TaskPhase.Running, null, podName, runNamespace,
        current != null && current.startTime() != null ? current.startTime() : startedAt != null ? startedAt : now,
        null, null, conditions, null);
  }

  /** The pod that runs the Task now (the first one, or its replacement after a disruption). */
  static TaskStatus withPod(TaskStatus s, String podName) {
    return new TaskStatus(s.observedGeneration(), s.phase(), s.jobName(), podName, s.podNamespace(), s.startTime(),
        s.completionTime(), s.outputs(), s.conditions(), s.logTail());
  }

  /** A replacement pod for one lost to a disruption: the Ready condition says why the Task is still Running. */
  TaskStatus replaced(Task task, String podName, String why) {
    TaskStatus s = task.getStatus();
    List<Condition> conditions = Conditions.set(conditions(task), Conditions.READY, false, Reasons.RUNNING,
        why + "; the agent runs again in pod " + podName, generation(task), now());
    return new TaskStatus(generation(task), s.phase(), s.jobName(), podName, s.podNamespace(), s.startTime(),
        null, null, conditions, s.logTail());
  }

  TaskStatus queued(Task task, Admission admission) {
    String now = now();
    List<Condition> conditions = Conditions.set(conditions(task), Conditions.READY, false, admission.reason(),
        admission.message(), generation(task), now);
    conditions = Conditions.set(conditions, Conditions.QUEUED, true, admission.reason(), admission.message(),
        generation(task), now);
    return new TaskStatus(generation(task), TaskPhase.Queued, null, null, null, null, null, null, conditions, null);
  }

  TaskStatus stoppedBeforeStart(Task task, String message) {
    String now = now();
    List<Condition> conditions = Conditions.set(conditions(task), Conditions.STOPPED, true, Reasons.USER_STOPPED,
        message, generation(task), now);
    conditions = Conditions.set(conditions, Conditions.READY, false, Reasons.USER_STOPPED, message,
        generation(task), now);
    return new TaskStatus(generation(task), TaskPhase.Completed, null, null, null, null, now, null, conditions,
        null);
  }

  /** A run that ended: where it ran is kept; {@code stopped} adds the Stopped condition. */
  TaskStatus finished(Task task, TaskPhase phase, boolean ready, String reason, String message, String finishedAt,
      Optional<Pod> pod, OutputValues outputs, boolean stopped) {
    TaskStatus current = task.getStatus();
    String now = now();
    List<Condition> conditions = Conditions.set(conditions(task), Conditions.READY, ready, reason, message,
        generation(task), now);
    if (stopped) {
      conditions = Conditions.set(conditions, Conditions.STOPPED, true, Reasons.USER_STOPPED, message,
          generation(task), now);
    }
    return new TaskStatus(generation(task), phase, current.jobName(),
        pod.map(p -> p.getMetadata().getName()).orElse(current.podName()), current.podNamespace(),
        current.startTime(), finishedAt != null ? finishedAt : now, outputs, conditions, current.logTail());
  }

  /** Failed before or after it ran, keeping whatever the status already says about the run. */
  TaskStatus failed(Task task, String reason, String message) {
    TaskStatus current = task.getStatus();
    String now = now();
    return new TaskStatus(generation(task), TaskPhase.Failed,
        current != null ? current.jobName() : null, current != null ? current.podName() : null,
        current != null ? current.podNamespace() : null, current != null ? current.startTime() : null, now, null,
        Conditions.set(conditions(task), Conditions.READY, false, reason, message, generation(task), now),
        current != null ? current.logTail() : null);
  }

  private static List<Condition> conditions(Task task) {
    return task.getStatus() != null ? task.getStatus().conditions() : List.of();
  }

  private static Long generation(Task task) {
    return task.getMetadata().getGeneration();
  }
}
