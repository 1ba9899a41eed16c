package io.kubeopencode.cleanup.kube;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.cleanup.retention.RetentionSelector;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies retention to finished Tasks while {@link #start() started} (this instance leads): reacts to Task and
 * KubeOpenCodeConfig changes, acts on each TTL at its expiry, sweeps every namespace periodically, and deletes at a
 * bounded rate. The caches run all the time, so a standby that takes over starts from a warm cache.
 */
public final class CleanupLoop implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CleanupLoop.class.getName());

  private final RetentionCaches caches;
  private final RetentionSelector selector;
  private final TaskDeleter deleter;
  private final CleanupOptions options;
  private final CleanupMetrics metrics;
  private final Clock clock;
  private final TokenBucket bucket;
  private final Ledger ledger = new Ledger();
  private final Object lock = new Object();
  private volatile LeaderTerm term;
  private volatile Instant lastSweep;
  private boolean closed;

  public CleanupLoop(RetentionCaches caches, RetentionSelector selector, TaskDeleter deleter, CleanupOptions options,
      CleanupMetrics metrics, Clock clock) {
    this.caches = caches;
    this.selector = selector;
    this.deleter = deleter;
    this.options = options;
    this.metrics = metrics;
    this.clock = clock;
    // One bucket for the instance's life: losing and regaining leadership does not grant a fresh burst.
    this.bucket = new TokenBucket(options.deleteRate(), options.deleteBurst(), System::nanoTime);
    caches.listen(new RetentionCaches.Listener() {
      @Override
      public void taskChanged(Task previous, Task task, boolean deleted) {
        onTaskChanged(previous, task, deleted);
      }

      @Override
      public void configChanged(String namespace) {
        markDirty(namespace);
      }
    });
  }

  /** Starts applying retention (on becoming leader); returns at once, the first sweep follows the caches' sync. */
  public void start() {
    synchronized (lock) {
      if (term != null || closed) {
        return;
      }
      LeaderTerm next = new LeaderTerm(caches, selector, deleter, options, metrics, clock, bucket, ledger,
          at -> lastSweep = at);
      next.start();
      term = next;
    }
    LOG.log(System.Logger.Level.INFO, "cleanup started{0}: cluster default {1}, {2} deletions/s (burst {3}),"
        + " sweep every {4}", options.dryRun() ? " in dry-run mode" : "", options.clusterDefault().describe(),
        options.deleteRate(), options.deleteBurst(), options.sweepInterval());
  }

  /** Stops applying retention (on losing leadership); returns once no deletion is in progress. */
  public void stop() {
    LeaderTerm current;
    synchronized (lock) {
      current = term;
      term = null;
    }
    if (current != null) {
      current.stop();
    }
  }

  public boolean isRunning() {
    return term != null;
  }

  /** Tasks this instance deleted. */
  public long deletedCount() {
    return ledger.deleted.get();
  }

  /** Dry run: Tasks this instance reported it would delete. */
  public long wouldDeleteCount() {
    return ledger.wouldDelete.get();
  }

  /** Deletions selected but not yet issued. */
  public int backlog() {
    LeaderTerm current = term;
    return current == null ? 0 : current.backlog();
  }

  /** When the last full sweep finished. */
  public Optional<Instant> lastSweep() {
    return Optional.ofNullable(lastSweep);
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    stop();
  }

  private void onTaskChanged(Task previous, Task task, boolean deleted) {
    if (previous != null && sameRetentionFacts(previous, task)) {
      // Only what retention ignores changed (a condition, an output, a label): the plan stands. A deletion queued
      // with the old resourceVersion finds the new one in the cache and has the namespace planned again.
      return;
    }
    String uid = task.getMetadata().getUid();
    if (deleted) {
      ledger.reported.remove(uid);
      if (ledger.inFlight.remove(uid)) {
        // Our own deletion of a selected Task: the rest of the namespace's plan stays right (TTL is per Task, and the
        // count rule selected the oldest, of which this was one), so no need to plan the namespace again.
        return;
      }
    } else if (task.getMetadata().getDeletionTimestamp() != null && ledger.inFlight.contains(uid)) {
      return; // ours, held by a finalizer until the controller lets it go
    }
    markDirty(task.getMetadata().getNamespace());
  }

  /** Whether two versions of a Task look the same to retention. */
  static boolean sameRetentionFacts(Task a, Task b) {
    return Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid())
        && Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
        && Objects.equals(phase(a), phase(b))
        && Objects.equals(completionTime(a), completionTime(b));
  }

  private static Object phase(Task task) {
    return task.getStatus() == null ? null : task.getStatus().phase();
  }

  private static String completionTime(Task task) {
    return task.getStatus() == null ? null : task.getStatus().completionTime();
  }

  private void markDirty(String namespace) {
    LeaderTerm current = term;
    if (current != null) {
      current.markDirty(namespace);
    }
  }
}
