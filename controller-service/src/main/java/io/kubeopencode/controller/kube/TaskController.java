package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import io.kubeopencode.service.FatalErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconcile loop: worker threads take Task keys from the {@link WorkQueue} and sync them. Workers run only
 * while this instance leads; the caches keep running either way so a standby is ready to take over at once.
 */
public final class TaskController implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskController.class.getName());
  static final Duration CONFLICT_RETRY = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  static final Duration AGENT_RETRY = Duration.ofMillis(200);
  /** Agent status follows its Tasks after this pause, so a burst of Task changes costs one write. */
  public static final Duration AGENT_DEBOUNCE = Duration.ofSeconds(1);

  private final Caches caches;
  private final WorkQueue queue;
  private final WorkQueue agentQueue;
  private final TaskSync sync;
  private final ControllerMetrics metrics;
  private final int workers;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /** @param agentQueue Agents whose status (counts, ledger) may need a write; fed with a short debounce */
  public TaskController(KubernetesClient client, Caches caches, WorkQueue queue, WorkQueue agentQueue,
      TaskReconciler reconciler, ControllerMetrics metrics, Clock clock, int workers) {
    this.caches = caches;
    this.queue = queue;
    this.agentQueue = agentQueue;
    this.sync = new TaskSync(client, caches, reconciler, metrics, clock);
    this.metrics = metrics;
    this.workers = workers;
  }

  /** Starts the workers (on becoming leader) and queues every known Task once. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    caches.allTasks().map(Caches::key).forEach(queue::add);
    // A worker that dies would leave its share of the Tasks unreconciled while the service looks healthy.
    for (int i = 0; i < workers; i++) {
      threads.add(Thread.ofPlatform().name("reconcile-" + i).daemon(true)
          .uncaughtExceptionHandler(FatalErrors.CRITICAL).start(this::work));
    }
    threads.add(Thread.ofPlatform().name("agent-status").daemon(true)
        .uncaughtExceptionHandler(FatalErrors.CRITICAL).start(this::workAgents));
    LOG.log(System.Logger.Level.INFO, "reconcile workers started ({0})", workers);
  }

  /** Stops the workers (on losing leadership or shutdown); a Task being synced finishes its current step. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    threads.clear();
    LOG.log(System.Logger.Level.INFO, "reconcile workers stopped");
  }

  public boolean isRunning() {
    return running;
  }

  /** While leading, every worker thread is alive (liveness; a dead one normally ends the process first). */
  public synchronized boolean workersAlive() {
    return !running || threads.stream().allMatch(Thread::isAlive);
  }

  /** Reconciles this instance has run since it was created. */
  public long syncCount() {
    return syncs.get();
  }

  private void work() {
    while (running) {
      Optional<String> taken;
      try {
        taken = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (taken.isEmpty()) {
        return;
      }
      String key = taken.get();
      syncs.incrementAndGet();
      long start = System.nanoTime();
      String result = "success";
      try {
        Optional<Duration> again = sync.sync(key);
        if (again.isPresent()) {
          result = again.get().equals(CONFLICT_RETRY) ? "requeue" : "success";
          queue.addAfter(key, again.get());
        }
        failures.remove(key);
      } catch (RuntimeException e) {
        result = "error";
        int attempt = failures.merge(key, 1, Integer::sum);
        Duration backoff = backoff(attempt);
        LOG.log(System.Logger.Level.WARNING, "task {0}: reconcile failed (attempt {1}, retry in {2} ms): {3}", key,
            attempt, backoff.toMillis(), e.getMessage());
        queue.addAfter(key, backoff);
      } finally {
        queue.done(key);
        metrics.reconciled(result, Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /** Keeps Agents' running/queued counts current: one writer, a few writes per Agent however busy it is. */
  private void workAgents() {
    while (running) {
      Optional<String> taken;
      try {
        taken = agentQueue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (taken.isEmpty()) {
        return;
      }
      try {
        if (!sync.syncAgent(taken.get())) {
          agentQueue.addAfter(taken.get(), AGENT_RETRY);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "agent {0}: status update failed: {1}", taken.get(), e.getMessage());
        agentQueue.addAfter(taken.get(), MAX_BACKOFF);
      } finally {
        agentQueue.done(taken.get());
      }
    }
  }

  static Duration backoff(int attempt) {
    long millis = 500L << Math.min(attempt - 1, 16);
    return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
  }

  @Override
  public void close() {
    stop();
    sync.close();
  }
}
