package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.kubeopencode.controller.reconcile.LogTail;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the end of a container's log (through the API server, from the node's kubelet). Best effort, and bounded in
 * time: a node that cannot serve logs makes the API server answer 500, which the shared client would retry with
 * back-off for many seconds while a reconcile worker waits. This one asks once, with a short timeout (a view of the
 * shared client with its own request settings, on the same HTTP client).
 */
final class PodLogs {
  private static final System.Logger LOG = System.getLogger(PodLogs.class.getName());
  static final int TAIL_LINES = 200;
  static final int LIMIT_BYTES = 64 * 1024;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final KubernetesClient client;

  PodLogs(KubernetesClient shared) {
    this.client = shared.newClient(new RequestConfigBuilder(shared.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0)
        .withRequestTimeout((int) TIMEOUT.toMillis())
        .build()).adapt(KubernetesClient.class);
  }

  /** The bounded tail, or empty when the log cannot be read (pod gone, node unreachable, no permission). */
  Optional<String> tail(String namespace, String pod, String container) {
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
