package io.kubeopencode.controller.job;

/** Condition reasons of a Task, as users and automation see them. */
public final class Reasons {
  public static final String AGENT_NOT_FOUND = "AgentNotFound";
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";
  public static final String CONTEXT_ERROR = "ContextError";
  public static final String POD_CREATION_ERROR = "PodCreationError";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String AGENT_FAILED = "AgentFailed";
  public static final String OOM_KILLED = "OOMKilled";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  /** A container the kubelet cannot start (CreateContainerConfigError, CrashLoopBackOff, ...). */
  public static final String CONTAINER_START_FAILED = "ContainerStartFailed";
  public static final String DEADLINE_EXCEEDED = "Timeout";
  /** A pod lost to disruptions (eviction, preemption, node loss, deletion) too often to try again. */
  public static final String POD_LOST = "PodLost";
  public static final String OUTPUTS_TOO_LARGE = "OutputsTooLarge";
  public static final String AGENT_AT_CAPACITY = "AgentAtCapacity";
  /** Queued=False once admitted: the Agent had room, or it has no limits at all. */
  public static final String CAPACITY_AVAILABLE = "CapacityAvailable";
  public static final String NO_LIMITS = "NoLimits";
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";
  public static final String USER_STOPPED = "UserStopped";
  public static final String NAMESPACE_NOT_ALLOWED = "NamespaceNotAllowed";

  private Reasons() {}
}
