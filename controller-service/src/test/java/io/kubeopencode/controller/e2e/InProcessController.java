package io.kubeopencode.controller.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.controller.Fixtures;
import io.kubeopencode.controller.kube.Caches;
import io.kubeopencode.controller.kube.ControllerMetrics;
import io.kubeopencode.controller.kube.TaskController;
import io.kubeopencode.controller.kube.WorkQueue;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The controller's caches and reconcile loop, running in the test JVM against a real API server. */
final class InProcessController implements AutoCloseable {
  /** Short, so tests see containers that cannot start fail fast. */
  static final Duration CONTAINER_START_GRACE = Duration.ofSeconds(3);
  private final WorkQueue queue = new WorkQueue();
  private final WorkQueue agentQueue = new WorkQueue();
  private final Caches caches;
  private final TaskController controller;

  InProcessController(KubernetesClient client, List<String> namespaces) {
    caches = new Caches(client, namespaces, Duration.ofMinutes(5), queue::add,
        agent -> agentQueue.addAfter(agent, TaskController.AGENT_DEBOUNCE));
    try {
      caches.start().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("caches did not sync", e);
    }
    controller = new TaskController(client, caches, queue, agentQueue,
        new TaskReconciler(Fixtures.IMAGES, CONTAINER_START_GRACE, Clock.systemUTC()), ControllerMetrics.NONE,
        Clock.systemUTC(), 2);
    controller.start();
  }

  @Override
  public void close() {
    controller.close();
    queue.close();
    agentQueue.close();
    caches.close();
  }
}
