package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubeopencode.api.v1alpha1.TaskStatus;

/** One API write a reconcile asks for; the kube layer carries them out in order. */
public sealed interface Action {
  record CreateConfigMap(ConfigMap configMap) implements Action {}

  record CreateJob(Job job) implements Action {}

  /** The complete new status; written only when it differs from the observed one. */
  record UpdateStatus(TaskStatus status) implements Action {}

  /** A Kubernetes Event on the Task. */
  record RecordEvent(boolean warning, String reason, String message) implements Action {}
}
