package io.kubeopencode.cleanup.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.cleanup.retention.FinishedTask;
import java.net.HttpURLConnection;

/**
 * Deletes one Task on the condition that it is still the version retention selected: the request carries the
 * observed resourceVersion as a precondition, so a Task changed since (status rewritten, relabelled, recreated under
 * the same name) is left alone. Its Job, pods and ConfigMaps go by garbage collection (owner references).
 */
public final class TaskDeleter {
  public enum Outcome {
    /** The API server accepted the deletion. */
    DELETED,
    /** The Task changed since it was observed: precondition failed, nothing deleted. */
    CHANGED,
    /** The Task no longer exists. */
    GONE
  }

  private final KubernetesClient client;

  public TaskDeleter(KubernetesClient client) {
    this.client = client;
  }

  /** @throws KubernetesClientException on any other failure (forbidden, server unavailable, ...) */
  public Outcome delete(FinishedTask task) {
    try {
      boolean deleted = !client.resources(Task.class).inNamespace(task.namespace()).withName(task.name())
          .lockResourceVersion(task.resourceVersion())
          .delete().isEmpty(); // fabric8 answers a 404 with an empty list
      return deleted ? Outcome.DELETED : Outcome.GONE;
    } catch (KubernetesClientException e) {
      return switch (e.getCode()) {
        case HttpURLConnection.HTTP_CONFLICT -> Outcome.CHANGED;
        case HttpURLConnection.HTTP_NOT_FOUND -> Outcome.GONE;
        default -> throw e;
      };
    }
  }
}
