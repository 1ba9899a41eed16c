package io.kubeopencode.api;

/** The one place for the API group and every label, annotation, finalizer and well-known name of the product. */
public final class KubeOpenCode {
  public static final String GROUP = "kubeopencode.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** {@code kubectl get kubeopencode} lists every kind of the product. */
  public static final String CATEGORY = "kubeopencode";

  /** On agent pods and context ConfigMaps, as earlier releases set it: users' NetworkPolicies select on it. */
  public static final String LABEL_APP = "app";
  public static final String APP_VALUE = "kubeopencode";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "kubeopencode";
  public static final String LABEL_TASK = GROUP + "/task";
  public static final String LABEL_TASK_NAMESPACE = GROUP + "/task-namespace";
  public static final String LABEL_AGENT = GROUP + "/agent";

  /** On a Task's pod: {@code <namespace>/<name>} of its Task (labels may be shortened; this is exact). */
  public static final String ANNOTATION_TASK = GROUP + "/task";
  /** {@code kubeopencode.io/stop: "true"} stops a Queued or Running Task. */
  public static final String ANNOTATION_STOP = GROUP + "/stop";
  /** Keeps a stopped agent pod, and so its container statuses (the outputs), until the controller read them. */
  public static final String FINALIZER_COLLECT_OUTPUTS = GROUP + "/collect-outputs";
  /** Held by a Task whose pod runs in another namespace, so deleting the Task removes the pod. */
  public static final String FINALIZER_TASK_CLEANUP = GROUP + "/task-cleanup";

  /** The Agent a Task runs with when it names neither an Agent nor a TaskTemplate (in the Task's namespace). */
  public static final String DEFAULT_AGENT_NAME = "default";

  /** The name of the KubeOpenCodeConfig that governs its namespace; others are ignored. */
  public static final String CONFIG_NAME = "default";

  private KubeOpenCode() {}
}
