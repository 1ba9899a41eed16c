package io.kubeopencode.cleanup.kube;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one instance remembers across leadership terms: the Tasks it is deleting (so their events do not re-plan
 * a namespace and a re-plan does not select them twice), the Tasks a dry run reported, and its own counts.
 */
final class Ledger {
  /** UIDs of Tasks this instance asked the API server to delete, until the informer sees them go. */
  final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** Dry run: UID to namespace of every Task reported as "would delete". */
  final Map<String, String> reported = new ConcurrentHashMap<>();
  final AtomicLong deleted = new AtomicLong();
  final AtomicLong wouldDelete = new AtomicLong();

  /** Forgets Tasks no longer in the cache (a safety net: their delete events normally do it). */
  void retainOnly(Set<String> cachedUids) {
    inFlight.retainAll(cachedUids);
    reported.keySet().retainAll(cachedUids);
  }
}
