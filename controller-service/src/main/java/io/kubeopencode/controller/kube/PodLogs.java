package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.controller.reconcile.LogTail;
import java.util.Optional;

/** Reads the end of a container's log (through the API server, from the node's kubelet). Best effort. */
final class PodLogs {
  private static final System.Logger LOG = System.getLogger(PodLogs.class.getName());
  static final int TAIL_LINES = 200;
  static final int LIMIT_BYTES = 64 * 1024;

  private PodLogs() {}

  /** The bounded tail, or empty when the log cannot be read (pod gone, node unreachable, no permission). */
  static Optional<String> tail(KubernetesClient client, String namespace, String pod, String container) {
    try {
      String log = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
          .limitBytes(LIMIT_BYTES).tailingLines(TAIL_LINES).getLog();
      return Optional.ofNullable(LogTail.bound(log));
    } catch (KubernetesClientException e) {
      LOG.log(System.Logger.Level.DEBUG, "no log tail for {0}/{1}: {2}", namespace, pod, e.getMessage());
      return Optional.empty();
    }
  }
}
