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
import java.util.concurrent.atomic.AtomicLong;

/** The controller's caches and reconcile loop, running in the test JVM against a real API server. */
final class InProcessController implements AutoCloseable {
  /** Short, so tests see containers that cannot start fail fast. */
  static final Duration CONTAINER_START_GRACE = Duration.ofSeconds(3);
  /** The caches' resync: the only poll. Anything the controller does sooner follows an event or a timer. */
  static final Duration RESYNC = Duration.ofMinutes(5);
  private final WorkQueue queue = new WorkQueue();
  private final WorkQueue agentQueue = new WorkQueue();
  private final Caches caches;
  private final TaskController controller;
  private final AtomicLong reconciles = new AtomicLong();

  InProcessController(KubernetesClient client, List<String> namespaces) {
    caches = new Caches(client, namespaces, RESYNC, queue::add,
        agent -> agentQueue.addAfter(agent, TaskController.AGENT_DEBOUNCE));
    try {
      caches.start().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("caches did not sync", e);
    }
    controller = new TaskController(client, caches, queue, agentQueue,
        new TaskReconciler(Fixtures.IMAGES, CONTAINER_START_GRACE, Clock.systemUTC()), new CountingMetrics(reconciles),
        Clock.systemUTC(), 2);
    controller.start();
  }

  /**
   * Reconciles this instance has finished (whatever their result): on start it queues every cached Task once, so
   * with one Task in its namespaces the first finished reconcile is that Task's.
   */
  long reconcilesFinished() {
    return reconciles.get();
  }

  @Override
  public void close() {
    controller.close();
    queue.close();
    agentQueue.close();
    caches.close();
  }

  /** The reconcile count of the service's metrics, for tests to await; nothing else is recorded. */
  private record CountingMetrics(AtomicLong reconciles) implements ControllerMetrics {
    @Override
    public void reconciled(String result, Duration duration) {
      reconciles.incrementAndGet();
    }

    @Override
    public void podCreated() {}

    @Override
    public void admitted(String agentKey, Duration waited) {}

    @Override
    public void quotaRejected(String agentKey) {}
  }
}
