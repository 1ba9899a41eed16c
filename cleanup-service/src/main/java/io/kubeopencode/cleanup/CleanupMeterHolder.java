package io.kubeopencode.cleanup;

import io.kubeopencode.cleanup.kube.CleanupMetrics;
import io.kubeopencode.cleanup.retention.RetentionRule;
import java.time.Duration;

/** Lets the cleanup loop exist before the server (and so the registry) does; reports nothing until set. */
final class CleanupMeterHolder implements CleanupMetrics {
  private volatile CleanupMetrics delegate = CleanupMetrics.NONE;

  void set(CleanupMetrics metrics) {
    this.delegate = metrics;
  }

  @Override
  public void deleted(String namespace, RetentionRule rule) {
    delegate.deleted(namespace, rule);
  }

  @Override
  public void wouldDelete(String namespace, RetentionRule rule) {
    delegate.wouldDelete(namespace, rule);
  }

  @Override
  public void deleteFailed(String reason) {
    delegate.deleteFailed(reason);
  }

  @Override
  public void swept(Duration took) {
    delegate.swept(took);
  }
}
