package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.controller.job.Reasons;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a Task's pod says about the run: still going, succeeded, failed with which reason and message, or lost to a
 * disruption (evicted, preempted, its node gone, deleted by someone else) and so to be replaced. Pure.
 */
record RunOutcome(State state, String reason, String message, String finishedAt) {
  /** Where a run stands. */
  enum State { RUNNING, SUCCEEDED, FAILED, LOST }

  private static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
  /** Waiting reasons of a container that will not start by itself; the kubelet keeps retrying them. */
  private static final Set<String> START_REASONS = Set.of("CreateContainerConfigError", "CreateContainerError",
      "RunContainerError", "CrashLoopBackOff", "PreCreateHookError", "PreStartHookError", "PostStartHookError");
  /** Pod status reasons of a pod the kubelet ended for the node's sake, not the agent's. */
  private static final Set<String> DISRUPTION_REASONS = Set.of("Evicted", "Preempting", "Terminated", "Shutdown",
      "NodeShutdown", "NodeLost", "UnexpectedAdmissionError", "OutOfcpu", "OutOfmemory", "OutOfpods");
  static final String AGENT = "agent";

  /** Why a run failed, or why a container cannot start: a Task condition reason and the kubelet's words. */
  record Failure(String reason, String message) {}
  static final String OUTPUT_COLLECTOR = "output-collector";

  /**
   * The outcome of a pod the controller is not deleting itself (for a stop or timeout, which decide on their own):
   * any other deletion of a pod that has not succeeded is a disruption.
   */
  static RunOutcome of(Pod pod) {
    String phase = pod.getStatus() != null ? pod.getStatus().getPhase() : null;
    boolean disrupted = disrupted(pod) || pod.getMetadata().getDeletionTimestamp() != null;
    if ("Succeeded".equals(phase)) {
      return new RunOutcome(State.SUCCEEDED, Reasons.SUCCEEDED, "the agent finished successfully", finishedAt(pod));
    }
    if (disrupted) {
      return new RunOutcome(State.LOST, null, lostMessage(pod), null);
    }
    if (!"Failed".equals(phase)) {
      return new RunOutcome(State.RUNNING, null, null, null);
    }
    String at = finishedAt(pod);
    if ("DeadlineExceeded".equals(pod.getStatus().getReason())) {
      return new RunOutcome(State.FAILED, Reasons.DEADLINE_EXCEEDED, "the Task ran longer than its timeout ("
          + pod.getSpec().getActiveDeadlineSeconds() + "s) and was stopped", at);
    }
    return podFailure(pod)
        .map(f -> new RunOutcome(State.FAILED, f.reason(), f.message(), at))
        .orElseGet(() -> new RunOutcome(State.FAILED, Reasons.AGENT_FAILED, "pod " + pod.getMetadata().getName()
            + " failed" + messageSuffix(join(pod.getStatus().getReason(), pod.getStatus().getMessage())), at));
  }

  boolean finished() {
    return state == State.SUCCEEDED || state == State.FAILED;
  }

  /** Evicted, preempted, its node lost or shut down: the kubelet or the cluster said so with DisruptionTarget. */
  static boolean disrupted(Pod pod) {
    if (pod.getStatus() == null) {
      return false;
    }
    boolean condition = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
    String reason = pod.getStatus().getReason();
    return condition || ("Failed".equals(pod.getStatus().getPhase()) && reason != null
        && DISRUPTION_REASONS.contains(reason));
  }

  /** Whether the pod's containers may still run: not Succeeded or Failed yet. */
  static boolean stillRunning(Pod pod) {
    String phase = pod.getStatus() != null ? pod.getStatus().getPhase() : null;
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static String lostMessage(Pod pod) {
    String why = pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
        : pod.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType()))
            .map(c -> join(c.getReason(), c.getMessage())).findFirst().orElse(null);
    if (why == null && pod.getStatus() != null) {
      why = join(pod.getStatus().getReason(), pod.getStatus().getMessage());
    }
    return "pod " + pod.getMetadata().getName() + " was lost" + (why == null || why.isBlank()
        ? (pod.getMetadata().getDeletionTimestamp() != null ? ": deleted" : "") : ": " + why.strip());
  }

  /** When the last container ended (the pod has no completion time of its own). */
  private static String finishedAt(Pod pod) {
    return concat(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses()).stream()
        .map(RunOutcome::terminated).filter(t -> t != null && t.getFinishedAt() != null)
        .map(ContainerStateTerminated::getFinishedAt).max(String::compareTo).orElse(null);
  }

  private static String join(String reason, String message) {
    if (reason == null || reason.isBlank()) {
      return message;
    }
    return message == null || message.isBlank() ? reason : reason + ": " + message;
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
        .map(RunOutcome::terminated)
        .map(ContainerStateTerminated::getMessage);
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
