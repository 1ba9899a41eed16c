package io.kubeopencode.controller.kube;

import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the admission decisions of each limited Agent and remembers the Tasks admitted moments ago, which the
 * cache may not show as Running yet: without them a second worker could count a free slot twice.
 */
final class Admissions {
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> admitted = new ConcurrentHashMap<>();

  ReentrantLock lock(String agentKey) {
    return locks.computeIfAbsent(agentKey, k -> new ReentrantLock());
  }

  void admitted(String agentKey, String taskKey) {
    admitted.computeIfAbsent(agentKey, k -> ConcurrentHashMap.newKeySet()).add(taskKey);
  }

  /** Admitted Tasks the cache does not show Running yet; those it shows (or that are gone) are forgotten. */
  long notYetVisible(String agentKey, Caches caches) {
    Set<String> keys = admitted.get(agentKey);
    if (keys == null) {
      return 0;
    }
    keys.removeIf(taskKey -> caches.task(taskKey)
        .map(t -> t.getStatus() != null && t.getStatus().phase() != null && t.getStatus().phase() != TaskPhase.Pending
            && t.getStatus().phase() != TaskPhase.Queued).orElse(true));
    return keys.size();
  }
}
