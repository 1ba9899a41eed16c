package io.kubeopencode.cleanup.kube;

import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.cleanup.retention.Deletion;
import io.kubeopencode.cleanup.retention.EffectivePolicy;
import io.kubeopencode.cleanup.retention.FinishedTask;
import io.kubeopencode.cleanup.retention.RetentionPlan;
import io.kubeopencode.cleanup.retention.RetentionRule;
import io.kubeopencode.cleanup.retention.RetentionSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Retention while this instance leads: a planner thread (plans, TTL timers, sweeps) and deleter threads. Created on
 * {@code startedLeading}, {@link #stop() stopped} on {@code stoppedLeading}; never restarted.
 *
 * <p>Planning is per namespace, from the whole cached state, whenever something in it changed, its next TTL
 * expires, or a sweep comes. Its result replaces the namespace's pending deletions in the {@link DeletionQueue}.
 */
final class LeaderTerm {
  private static final System.Logger LOG = System.getLogger(LeaderTerm.class.getName());
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final RetentionCaches caches;
  private final RetentionSelector selector;
  private final TaskDeleter deleter;
  private final CleanupOptions options;
  private final CleanupMetrics metrics;
  private final Clock clock;
  private final TokenBucket bucket;
  private final Ledger ledger;
  private final Consumer<Instant> sweepDone;

  private final ScheduledExecutorService planner = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().name("cleanup-planner").daemon(true).unstarted(r));
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final DeletionQueue queue = new DeletionQueue();
  private final CountDownLatch stopped = new CountDownLatch(1);
  // Touched on the planner thread only.
  private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
  private final Map<String, EffectivePolicy> policies = new HashMap<>();
  private List<Thread> deleters = List.of();

  LeaderTerm(RetentionCaches caches, RetentionSelector selector, TaskDeleter deleter, CleanupOptions options,
      CleanupMetrics metrics, Clock clock, TokenBucket bucket, Ledger ledger, Consumer<Instant> sweepDone) {
    this.caches = caches;
    this.selector = selector;
    this.deleter = deleter;
    this.options = options;
    this.metrics = metrics;
    this.clock = clock;
    this.bucket = bucket;
    this.ledger = ledger;
    this.sweepDone = sweepDone;
  }

  void start() {
    planner.execute(guarded("the first sweep", this::sweepOnceSynced));
    long interval = options.sweepInterval().toNanos();
    planner.scheduleWithFixedDelay(guarded("a sweep", this::sweep), interval, interval, TimeUnit.NANOSECONDS);
    deleters = IntStream.range(0, options.deleteWorkers()).mapToObj(i -> Thread.ofPlatform()
        .name("cleanup-deleter-" + i).daemon(true).start(this::deleteUntilStopped)).toList();
  }

  /** Plans {@code namespace} again soon; requests made while one is pending are merged into it. */
  void markDirty(String namespace) {
    if (dirty.add(namespace)) {
      try {
        planner.execute(guarded("planning namespace " + namespace, () -> {
          dirty.remove(namespace);
          plan(namespace);
        }));
      } catch (RejectedExecutionException e) {
        dirty.remove(namespace); // stopping
      }
    }
  }

  int backlog() {
    return queue.size();
  }

  /** Stops planning and deleting; returns once no deletion is in progress. Pending deletions are dropped. */
  void stop() {
    stopped.countDown();
    int dropped = queue.close();
    planner.shutdownNow(); // the planner makes no API calls: interrupting it is safe
    try {
      if (!planner.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "cleanup planner did not stop within {0}", STOP_TIMEOUT);
      }
      for (Thread thread : deleters) { // a deletion in flight completes: never cut an API call half-way
        if (!thread.join(STOP_TIMEOUT)) {
          LOG.log(System.Logger.Level.WARNING, "{0} did not stop within {1}", thread.getName(), STOP_TIMEOUT);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.log(System.Logger.Level.INFO, "cleanup stopped; {0} pending deletions left to the next leader", dropped);
  }

  private void sweepOnceSynced() {
    try {
      caches.synced().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      LOG.log(System.Logger.Level.ERROR, "informers did not start; nothing is cleaned up: " + e.getCause());
      return;
    }
    sweep();
  }

  /** Plans every namespace (safety net behind events and timers) and forgets Tasks no longer cached. */
  private void sweep() {
    if (!caches.hasSynced()) {
      return;
    }
    long started = System.nanoTime();
    Set<String> namespaces = new TreeSet<>(caches.namespaces());
    namespaces.addAll(policies.keySet());
    namespaces.addAll(timers.keySet());
    for (String namespace : namespaces) {
      dirty.remove(namespace);
      plan(namespace);
    }
    ledger.retainOnly(caches.taskUids());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    metrics.swept(took);
    sweepDone.accept(clock.instant());
    LOG.log(System.Logger.Level.DEBUG, "swept {0} namespaces in {1} ms; {2} deletions pending", namespaces.size(),
        took.toMillis(), queue.size());
  }

  /** Planner thread: decides from the namespace's cached Tasks and config what to delete, and when to look again. */
  private void plan(String namespace) {
    if (!caches.hasSynced()) {
      return; // a partial cache could under-count; the first sweep comes once synced
    }
    Optional<KubeOpenCodeConfig> config = caches.config(namespace);
    EffectivePolicy policy = EffectivePolicy.resolve(config, options.clusterDefault());
    noteTransition(namespace, policy);
    List<Task> tasks = caches.tasksIn(namespace);
    if (tasks.isEmpty() && config.isEmpty()) {
      policies.remove(namespace); // nothing left to govern: forget the namespace
    }
    Set<String> excluded = options.dryRun() ? ledger.reported.keySet() : ledger.inFlight;
    RetentionPlan plan = selector.plan(tasks.stream()
        .filter(t -> !excluded.contains(t.getMetadata().getUid())).toList(), policy.policy());
    queue.replace(namespace, plan.deletions());
    scheduleTimer(namespace, plan.nextExpiry());
  }

  /** Logs a namespace's KubeOpenCodeConfig retention taking or losing effect (the cluster default is logged once). */
  private void noteTransition(String namespace, EffectivePolicy policy) {
    EffectivePolicy previous = policies.put(namespace, policy);
    if (Objects.equals(previous, policy)) {
      return;
    }
    if (policy.fromNamespaceConfig() || (previous != null && previous.fromNamespaceConfig())) {
      LOG.log(System.Logger.Level.INFO, "retention of namespace {0}: {1}", namespace, policy.describe());
    }
    if (options.dryRun() && previous != null) {
      ledger.reported.values().removeIf(namespace::equals); // report afresh under the new policy
    }
  }

  /** One timer per namespace, at its next TTL expiry; expiries after the next sweep are left to that sweep. */
  private void scheduleTimer(String namespace, Optional<Instant> nextExpiry) {
    ScheduledFuture<?> previous = timers.remove(namespace);
    if (previous != null) {
      previous.cancel(false);
    }
    Instant now = clock.instant();
    nextExpiry.filter(at -> !at.isAfter(now.plus(options.sweepInterval()))).ifPresent(at -> {
      long delay = Math.max(0, Duration.between(now, at).toNanos());
      timers.put(namespace, planner.schedule(guarded("planning namespace " + namespace, () -> {
        timers.remove(namespace);
        plan(namespace);
      }), delay, TimeUnit.NANOSECONDS));
    });
  }

  private void deleteUntilStopped() {
    try {
      Deletion next;
      while (stopped.getCount() > 0 && (next = queue.take()) != null) {
        try {
          execute(next);
        } catch (RuntimeException e) { // keep the thread: a dead deleter would silently lower the rate
          LOG.log(System.Logger.Level.ERROR, "deleting task " + next.task().key() + " failed unexpectedly", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * An executor swallows what its tasks throw, and a periodic task that throws is never run again: log instead,
   * so one bad namespace cannot stop the sweeps.
   */
  private static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, what + " failed", e);
      }
    };
  }

  private void execute(Deletion deletion) throws InterruptedException {
    FinishedTask task = deletion.task();
    Task cached = caches.task(task.namespace(), task.name()).orElse(null);
    if (cached == null || !Objects.equals(cached.getMetadata().getUid(), task.uid())) {
      return; // gone, or another Task by now: its events have the namespace planned again
    }
    if (!Objects.equals(cached.getMetadata().getResourceVersion(), task.resourceVersion())) {
      markDirty(task.namespace()); // changed since planned in a way that did not re-plan: decide on the new version
      return;
    }
    String rules = deletion.rules().stream().map(RetentionRule::tag).sorted().collect(Collectors.joining("+"));
    if (options.dryRun()) {
      if (ledger.reported.putIfAbsent(task.uid(), task.namespace()) == null) {
        ledger.wouldDelete.incrementAndGet();
        metrics.wouldDelete(task.namespace(), deletion.reason());
        LOG.log(System.Logger.Level.INFO, "dry run: would delete task {0} ({1}; {2} at {3})", task.key(), rules,
            task.phase(), task.completionTime());
      }
      return;
    }
    long wait = bucket.reserve();
    if (wait > 0 ? stopped.await(wait, TimeUnit.NANOSECONDS) : stopped.getCount() == 0) {
      return; // stopped (while waiting for a token): the next leader plans afresh
    }
    ledger.inFlight.add(task.uid()); // before the call: its delete event may arrive before the call returns
    try {
      switch (deleter.delete(task)) {
        case DELETED -> {
          ledger.deleted.incrementAndGet();
          metrics.deleted(task.namespace(), deletion.reason());
          LOG.log(System.Logger.Level.INFO, "deleted task {0} ({1}; {2} at {3})", task.key(), rules, task.phase(),
              task.completionTime());
        }
        case CHANGED -> {
          ledger.inFlight.remove(task.uid());
          metrics.deleteFailed("changed");
          LOG.log(System.Logger.Level.INFO, "task {0} changed since it was selected (resourceVersion {1}); not"
              + " deleted", task.key(), task.resourceVersion());
          markDirty(task.namespace());
        }
        case GONE -> ledger.inFlight.remove(task.uid());
      }
    } catch (RuntimeException e) {
      ledger.inFlight.remove(task.uid());
      metrics.deleteFailed("error");
      LOG.log(System.Logger.Level.WARNING, "deleting task {0} failed; retried when the namespace is next planned:"
          + " {1}", task.key(), e.getMessage());
    }
  }
}
