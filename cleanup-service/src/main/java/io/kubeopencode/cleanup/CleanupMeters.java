package io.kubeopencode.cleanup;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.kubeopencode.cleanup.kube.CleanupLoop;
import io.kubeopencode.cleanup.kube.CleanupMetrics;
import io.kubeopencode.cleanup.retention.RetentionRule;
import io.kubeopencode.service.LeaderElection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The cleanup service's metrics in the service's registry (Prometheus at /observe/metrics). */
final class CleanupMeters implements CleanupMetrics, AutoCloseable {
  static final String PREFIX = "kubeopencode.cleanup.";
  private final MeterRegistry registry;
  private final Timer sweepDuration;

  CleanupMeters(MeterRegistry registry, CleanupLoop loop, LeaderElection election) {
    this.registry = registry;
    this.sweepDuration = registry.getOrCreate(Timer.builder(PREFIX + "sweep.duration")
        .description("Time to plan every namespace in a full sweep"));
    registry.getOrCreate(Gauge.builder(PREFIX + "backlog", loop::backlog)
        .description("Deletions selected and waiting for the rate limiter"));
    registry.getOrCreate(Gauge.builder(PREFIX + "last.sweep.timestamp.seconds",
            () -> loop.lastSweep().map(Instant::getEpochSecond).orElse(0L))
        .description("When the last full sweep finished (Unix time; 0: none yet)"));
    registry.getOrCreate(Gauge.builder(PREFIX + "leader", () -> election.isLeader() ? 1 : 0)
        .description("1 while this replica leads and so deletes, else 0"));
  }

  @Override
  public void deleted(String namespace, RetentionRule rule) {
    counter("tasks.deleted", "Finished Tasks deleted, by namespace and rule", namespace, rule).increment();
  }

  @Override
  public void wouldDelete(String namespace, RetentionRule rule) {
    counter("dry.run.tasks.selected", "Dry run: finished Tasks that would have been deleted", namespace, rule)
        .increment();
  }

  @Override
  public void deleteFailed(String reason) {
    registry.getOrCreate(Counter.builder(PREFIX + "delete.failures").tags(List.of(Tag.create("reason", reason)))
        .description("Deletions not done: changed (the Task changed since selected) or error")).increment();
  }

  @Override
  public void swept(Duration took) {
    sweepDuration.record(took);
  }

  private Counter counter(String name, String description, String namespace, RetentionRule rule) {
    return registry.getOrCreate(Counter.builder(PREFIX + name)
        .tags(List.of(Tag.create("namespace", namespace), Tag.create("rule", rule.tag())))
        .description(description));
  }

  /** The registry is the JVM's: take our meters out, so they never report a stopped service. */
  @Override
  public void close() {
    registry.meters(m -> m.id().name().startsWith(PREFIX)).forEach(registry::remove);
  }
}
