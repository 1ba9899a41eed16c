package io.kubeopencode.cleanup.kube;

import io.kubeopencode.cleanup.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the cleanup loop runs.
 *
 * @param clusterDefault retention of namespaces without a KubeOpenCodeConfig {@code spec.cleanup}
 * @param dryRun         log (once per Task) what would be deleted, delete nothing
 * @param sweepInterval  how often every namespace is planned again, as a safety net behind events and timers
 * @param deleteRate     deletions per second at most, averaged
 * @param deleteBurst    deletions allowed at once after a quiet period
 * @param deleteWorkers  threads issuing deletions (each waits for its API call)
 */
public record CleanupOptions(RetentionPolicy clusterDefault, boolean dryRun, Duration sweepInterval,
    double deleteRate, int deleteBurst, int deleteWorkers) {
  /** A safety net that rarely runs is none; the bound also keeps timer arithmetic in range. */
  public static final Duration MAX_SWEEP_INTERVAL = Duration.ofDays(1);

  public CleanupOptions {
    Objects.requireNonNull(clusterDefault, "clusterDefault");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    if (sweepInterval.isNegative() || sweepInterval.isZero() || sweepInterval.compareTo(MAX_SWEEP_INTERVAL) > 0) {
      throw new IllegalArgumentException("cleanup.sweep-interval must be positive and at most " + MAX_SWEEP_INTERVAL
          + ", was " + sweepInterval);
    }
    if (!(deleteRate > 0) || Double.isInfinite(deleteRate)) {
      throw new IllegalArgumentException("cleanup.delete-rate must be a positive number, was " + deleteRate);
    }
    if (deleteBurst < 1) {
      throw new IllegalArgumentException("cleanup.delete-burst must be at least 1, was " + deleteBurst);
    }
    if (deleteWorkers < 1) {
      throw new IllegalArgumentException("cleanup.delete-workers must be at least 1, was " + deleteWorkers);
    }
  }
}
