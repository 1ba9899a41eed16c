package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import java.time.Duration;
import java.util.List;

/** One API write a reconcile asks for; the kube layer carries them out in order. */
public sealed interface Action {
  record CreateConfigMap(ConfigMap configMap) implements Action {}

  /** Creates the pod of one attempt; "already exists" means a restarted controller created it before. */
  record CreatePod(Pod pod) implements Action {}

  /** The complete new status; written only when it differs from the observed one. */
  record UpdateStatus(TaskStatus status) implements Action {}

  /** A Kubernetes Event on the Task. */
  record RecordEvent(boolean warning, String reason, String message) implements Action {}

  /** Deletes a pod gracefully: the kubelet sends SIGTERM, and a finalizer can keep the object to be read. */
  record DeletePod(String namespace, String name) implements Action {}

  /**
   * Adds or removes {@code kubeopencode.io/collect-outputs} on a pod, which keeps a stopped pod (and its container
   * statuses, the outputs among them) until the controller has read it.
   */
  record PodFinalizer(String namespace, String pod, boolean present) implements Action {}

  /**
   * Adds a start to the Agent's quota ledger ({@code status.taskStartHistory}) before its pod is created; the kube
   * layer removes it again if the pod is refused.
   */
  record RecordStart(String agentNamespace, String agentName, TaskStartRecord start) implements Action {}

  /** Adds or removes {@code kubeopencode.io/task-cleanup} on the Task (its pod runs in another namespace). */
  record TaskFinalizer(boolean present) implements Action {}

  /** Deletes what a cross-namespace Task left in the Agent's namespace (owner references cannot reach it). */
  record DeleteRunObjects(String namespace, List<String> pods, String configMapName) implements Action {
    public DeleteRunObjects {
      pods = List.copyOf(pods);
    }
  }

  /**
   * Reads the end of the agent container's log into the {@code logTail} of the status update that follows (a run
   * that failed or was stopped), before the pod is gone.
   */
  record CaptureLogTail(String namespace, String pod, String container) implements Action {}

  /** Reconcile this Task again after {@code delay} (a deadline), whatever happens meanwhile. */
  record RequeueAfter(Duration delay) implements Action {}
}
