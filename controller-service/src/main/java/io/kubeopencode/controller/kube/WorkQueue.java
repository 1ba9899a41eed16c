package io.kubeopencode.controller.kube;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keys waiting to be reconciled. A key is queued at most once however many events name it; a key being worked on
 * is never handed to a second worker, and if it is added meanwhile it is queued again when the worker is done, so
 * the latest state is always reconciled. Keys can be added after a delay (retries, timers).
 */
public final class WorkQueue implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  private final LinkedHashSet<String> queued = new LinkedHashSet<>();
  private final Set<String> active = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  /** Keys waiting for a timer, with the deadline (System.nanoTime) of the one pending timer each. */
  private final Map<String, Timer> delayed = new HashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "workqueue-timer");
    t.setDaemon(true);
    return t;
  });
  private boolean closed;

  public void add(String key) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (active.contains(key)) {
        dirty.add(key);
      } else if (queued.add(key)) {
        available.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private record Timer(long deadline, ScheduledFuture<?> future) {}

  /**
   * Adds the key after {@code delay}. A key keeps one timer, the earliest asked for: a later deadline while one is
   * pending changes nothing (a stream of events for one key costs one pass per delay, a debounce), an earlier one
   * replaces it (a quick retry never waits for a long timer).
   */
  public void addAfter(String key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    long deadline = System.nanoTime() + delay.toNanos();
    lock.lock();
    try {
      Timer pending = delayed.get(key);
      if (closed || timers.isShutdown() || (pending != null && pending.deadline() - deadline <= 0)) {
        return;
      }
      if (pending != null) {
        pending.future().cancel(false);
      }
      Timer[] self = new Timer[1];
      ScheduledFuture<?> future = timers.schedule(() -> fire(key, self), delay.toNanos(), TimeUnit.NANOSECONDS);
      self[0] = new Timer(deadline, future);
      delayed.put(key, self[0]);
    } finally {
      lock.unlock();
    }
  }

  /** {@code timer[0]} is set under the lock, before this can take it. */
  private void fire(String key, Timer[] timer) {
    lock.lock();
    try {
      // Only the key's current timer counts; a replaced one may still run if it was already due.
      if (delayed.get(key) != timer[0]) {
        return;
      }
      delayed.remove(key);
    } finally {
      lock.unlock();
    }
    add(key);
  }

  /** Waits for a key that no other worker holds; empty once the queue is closed. Call {@link #done} after. */
  public Optional<String> take() throws InterruptedException {
    lock.lock();
    try {
      while (queued.isEmpty() && !closed) {
        available.await();
      }
      if (closed) {
        return Optional.empty();
      }
      String key = queued.removeFirst();
      active.add(key);
      return Optional.of(key);
    } finally {
      lock.unlock();
    }
  }

  public void done(String key) {
    lock.lock();
    try {
      active.remove(key);
      if (dirty.remove(key) && !closed && queued.add(key)) {
        available.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting (not counting those being worked on). */
  public int depth() {
    lock.lock();
    try {
      return queued.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queued.clear();
      available.signalAll();
    } finally {
      lock.unlock();
    }
    timers.shutdownNow();
  }
}
