package io.kubeopencode.controller;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.controller.kube.Caches;
import io.kubeopencode.controller.kube.ControllerMetrics;
import io.kubeopencode.controller.kube.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The controller's metrics in the service's registry (Prometheus at /observe/metrics). */
final class ControllerMeters implements ControllerMetrics, AutoCloseable {
  private static final String PREFIX = "kubeopencode.";
  private final MeterRegistry registry;
  private final Map<String, Counter> reconciles = new ConcurrentHashMap<>();
  private final Timer duration;
  private final Counter podsCreated;
  private final Caches caches;
  private final Map<String, Timer> admissionWait = new ConcurrentHashMap<>();
  private final Map<String, Counter> quotaRejections = new ConcurrentHashMap<>();
  private final Map<String, Counter> events = new ConcurrentHashMap<>();

  ControllerMeters(MeterRegistry registry, WorkQueue queue, Caches caches) {
    this.registry = registry;
    this.caches = caches;
    this.duration = registry.getOrCreate(Timer.builder(PREFIX + "reconcile.duration")
        .description("Time to reconcile one Task"));
    this.podsCreated = registry.getOrCreate(Counter.builder(PREFIX + "pods.created")
        .description("Pods created for Tasks (first pods and replacements)"));
    registry.getOrCreate(Gauge.builder(PREFIX + "workqueue.depth", queue::depth)
        .description("Task keys waiting to be reconciled"));
    for (TaskPhase phase : TaskPhase.values()) {
      registry.getOrCreate(Gauge.builder(PREFIX + "tasks", () -> caches.allTasks()
              .filter(t -> t.getStatus() != null && t.getStatus().phase() == phase).count())
          .tags(List.of(Tag.create("phase", phase.name())))
          .description("Tasks by phase, as the controller's cache sees them"));
    }
  }

  @Override
  public void reconciled(String result, Duration took) {
    reconciles.computeIfAbsent(result, r -> registry.getOrCreate(Counter.builder(PREFIX + "reconciles")
        .tags(List.of(Tag.create("result", r))).description("Task reconciles by result"))).increment();
    duration.record(took);
  }

  @Override
  public void podCreated() {
    podsCreated.increment();
  }

  @Override
  public void admitted(String agentKey, Duration waited) {
    admissionWait.computeIfAbsent(agentKey, key -> {
      // First sight of a limited Agent: its queue length becomes a gauge too.
      registry.getOrCreate(Gauge.builder(PREFIX + "agent.queue.length", () -> caches.waitingFor(key).size())
          .tags(List.of(Tag.create("agent", key))).description("Tasks waiting for a limited Agent"));
      return registry.getOrCreate(Timer.builder(PREFIX + "agent.admission.wait").tags(List.of(Tag.create("agent", key)))
          .description("Time from a Task's creation to its start, for limited Agents"));
    }).record(waited);
  }

  @Override
  public void quotaRejected(String agentKey) {
    quotaRejections.computeIfAbsent(agentKey, key -> registry.getOrCreate(Counter.builder(PREFIX
        + "agent.quota.rejected").tags(List.of(Tag.create("agent", key)))
        .description("Task starts delayed because the Agent's start quota was used up"))).increment();
  }

  @Override
  public void eventRecorded(String result) {
    events.computeIfAbsent(result, r -> registry.getOrCreate(Counter.builder(PREFIX + "events")
        .tags(List.of(Tag.create("result", r)))
        .description("Task Events by result: posted, failed, dropped (queue full)"))).increment();
  }

  /** The registry is the JVM's: take our meters out, so they never report a stopped controller. */
  @Override
  public void close() {
    registry.meters(m -> m.id().name().startsWith(PREFIX)).forEach(registry::remove);
  }
}
