package io.kubeopencode.cleanup.kube;

import io.kubeopencode.cleanup.retention.RetentionRule;
import java.time.Duration;

/** What the cleanup loop reports; the wiring turns it into meters. */
public interface CleanupMetrics {
  CleanupMetrics NONE = new CleanupMetrics() {};

  /** A Task was deleted. */
  default void deleted(String namespace, RetentionRule rule) {}

  /** Dry run: a Task would have been deleted. */
  default void wouldDelete(String namespace, RetentionRule rule) {}

  /** A deletion did not happen: {@code changed} (precondition failed) or {@code error}. */
  default void deleteFailed(String reason) {}

  /** A full sweep planned every namespace in {@code took}. */
  default void swept(Duration took) {}
}
