package io.kubeopencode.cleanup.kube;

import io.kubeopencode.cleanup.retention.Deletion;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deletions waiting for the deleters: per namespace the latest plan (oldest first), served round-robin across
 * namespaces so one namespace's backlog does not hold up the others. A new plan replaces the namespace's pending
 * deletions: what the latest observation no longer selects is never deleted.
 */
final class DeletionQueue {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  /** Insertion order is the round-robin order; a served namespace moves to the end. */
  private final Map<String, ArrayDeque<Deletion>> byNamespace = new LinkedHashMap<>();
  private int size;
  private boolean closed;

  /** Replaces the pending deletions of {@code namespace} (an empty plan drops them). */
  void replace(String namespace, List<Deletion> plan) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      ArrayDeque<Deletion> old = plan.isEmpty() ? byNamespace.remove(namespace)
          : byNamespace.put(namespace, new ArrayDeque<>(plan));
      size += plan.size() - (old == null ? 0 : old.size());
      if (size > 0) {
        nonEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The next deletion, waiting up to {@code timeoutNanos}; {@code null} when none came or the queue is closed. */
  Deletion poll(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (size == 0 && !closed) {
        if (remaining <= 0) {
          return null;
        }
        remaining = nonEmpty.awaitNanos(remaining);
      }
      if (closed) {
        return null;
      }
      Iterator<Map.Entry<String, ArrayDeque<Deletion>>> first = byNamespace.entrySet().iterator();
      Map.Entry<String, ArrayDeque<Deletion>> entry = first.next();
      first.remove();
      Deletion next = entry.getValue().poll();
      size--;
      if (!entry.getValue().isEmpty()) {
        byNamespace.put(entry.getKey(), entry.getValue());
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  Deletion take() throws InterruptedException {
    return poll(TimeUnit.DAYS.toNanos(365));
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Drops every pending deletion; pollers get {@code null} from now on. Returns how many were dropped. */
  int close() {
    lock.lock();
    try {
      int dropped = size;
      closed = true;
      byNamespace.clear();
      size = 0;
      nonEmpty.signalAll();
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
