package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.kubeopencode.controller.job.Reasons;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a finished (or stuck) Job means for its Task: succeeded, or failed with which reason and message. Pure. */
record JobOutcome(boolean finished, boolean succeeded, String reason, String message, String finishedAt) {
  private static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
  /** Waiting reasons of a container that will not start by itself; the kubelet keeps retrying them. */
  private static final Set<String> START_REASONS = Set.of("CreateContainerConfigError", "CreateContainerError",
      "RunContainerError", "CrashLoopBackOff", "PreCreateHookError", "PreStartHookError", "PostStartHookError");
  static final String AGENT = "agent";

  /** Why a run failed, or why a container cannot start: a Task condition reason and the kubelet's words. */
  record Failure(String reason, String message) {}
  static final String OUTPUT_COLLECTOR = "output-collector";

  static JobOutcome of(Job job, Optional<Pod> pod) {
    Optional<JobCondition> complete = condition(job, "Complete");
    if (complete.isPresent()) {
      return new JobOutcome(true, true, Reasons.SUCCEEDED, "the agent finished successfully",
          job.getStatus().getCompletionTime() != null ? job.getStatus().getCompletionTime()
              : complete.get().getLastTransitionTime());
    }
    Optional<JobCondition> failed = condition(job, "Failed");
    if (failed.isEmpty()) {
      return new JobOutcome(false, false, null, null, null);
    }
    String at = failed.get().getLastTransitionTime();
    if ("DeadlineExceeded".equals(failed.get().getReason())) {
      return new JobOutcome(true, false, Reasons.DEADLINE_EXCEEDED, "the Task ran longer than its timeout ("
          + job.getSpec().getActiveDeadlineSeconds() + "s) and was stopped", at);
    }
    return pod.flatMap(JobOutcome::podFailure)
        .map(f -> new JobOutcome(true, false, f.reason(), f.message(), at))
        .orElseGet(() -> new JobOutcome(true, false, Reasons.AGENT_FAILED,
            "the Job failed: " + failed.get().getReason() + ": " + failed.get().getMessage(), at));
  }

  /** The first thing that went wrong in the pod, in the order containers run. */
  private static Optional<Failure> podFailure(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    Optional<Failure> cannotStart = startProblem(pod);
    if (cannotStart.isPresent()) {
      return cannotStart;
    }
    for (ContainerStatus s : nonNull(pod.getStatus().getInitContainerStatuses())) {
      ContainerStateTerminated t = terminated(s);
      if (t != null && t.getExitCode() != 0 && !OUTPUT_COLLECTOR.equals(s.getName())) {
        return Optional.of(new Failure(Reasons.CONTEXT_ERROR, "init container " + s.getName()
            + " failed with exit code " + t.getExitCode() + messageSuffix(t.getMessage())));
      }
    }
    for (ContainerStatus s : nonNull(pod.getStatus().getContainerStatuses())) {
      ContainerStateTerminated t = terminated(s);
      if (t != null && "OOMKilled".equals(t.getReason())) {
        return Optional.of(new Failure(Reasons.OOM_KILLED, "container " + s.getName()
            + " was killed for exceeding its memory limit (exit code " + t.getExitCode() + ")"));
      }
      if (t != null && t.getExitCode() != 0) {
        return Optional.of(new Failure(Reasons.AGENT_FAILED, "container " + s.getName() + " exited with code "
            + t.getExitCode() + messageSuffix(t.getMessage())));
      }
    }
    return Optional.empty();
  }

  /**
   * A container of the pod that cannot start: its image cannot be pulled, or the kubelet refuses or keeps
   * restarting it. Empty when every container is starting, running or done.
   */
  static Optional<Failure> startProblem(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    for (ContainerStatus s : concat(pod.getStatus().getInitContainerStatuses(),
        pod.getStatus().getContainerStatuses())) {
      String reason = s.getState() != null && s.getState().getWaiting() != null
          && s.getState().getWaiting().getReason() != null ? s.getState().getWaiting().getReason() : "";
      String detail = reason + messageSuffix(reason.isEmpty() ? null : s.getState().getWaiting().getMessage());
      if (IMAGE_PULL_REASONS.contains(reason)) {
        return Optional.of(new Failure(Reasons.IMAGE_PULL_FAILED, "image " + s.getImage() + " of container "
            + s.getName() + " could not be pulled: " + detail));
      }
      if (START_REASONS.contains(reason)) {
        return Optional.of(new Failure(Reasons.CONTAINER_START_FAILED, "container " + s.getName()
            + " cannot start: " + detail));
      }
    }
    return Optional.empty();
  }

  /** The output collector's termination message, when it has terminated. */
  static Optional<String> collectorMessage(Optional<Pod> pod) {
    return pod.filter(p -> p.getStatus() != null)
        .flatMap(p -> nonNull(p.getStatus().getInitContainerStatuses()).stream()
            .filter(s -> OUTPUT_COLLECTOR.equals(s.getName())).findFirst())
        .map(JobOutcome::terminated)
        .map(ContainerStateTerminated::getMessage);
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }

  private static ContainerStateTerminated terminated(ContainerStatus s) {
    return s.getState() != null ? s.getState().getTerminated() : null;
  }

  private static String messageSuffix(String message) {
    return message == null || message.isBlank() ? "" : ": " + message.strip();
  }

  private static List<ContainerStatus> nonNull(List<ContainerStatus> statuses) {
    return statuses == null ? List.of() : statuses;
  }

  private static List<ContainerStatus> concat(List<ContainerStatus> a, List<ContainerStatus> b) {
    return java.util.stream.Stream.concat(nonNull(a).stream(), nonNull(b).stream()).toList();
  }
}
