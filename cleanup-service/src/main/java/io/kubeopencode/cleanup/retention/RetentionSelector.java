package io.kubeopencode.cleanup.retention;

import io.kubeopencode.api.v1alpha1.Task;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which finished Tasks of a namespace a retention policy deletes, from the whole set of its Tasks. Pure: the
 * same Tasks, policy and time always give the same plan, whatever the order of the input.
 *
 * <ul>
 *   <li>Only {@link FinishedTask}s are candidates: Pending, Queued and Running Tasks, Tasks without a valid
 *       completionTime and Tasks already being deleted are never selected (nor counted).
 *   <li>TTL: a finished Task whose {@code completionTime + ttl <= now}.
 *   <li>Max retained N: the oldest {@code count - N} finished Tasks (by completionTime, then name).
 *   <li>Both: the union.
 * </ul>
 */
public final class RetentionSelector {
  private final Clock clock;

  public RetentionSelector(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @param tasks every Task of one namespace, as observed */
  public RetentionPlan plan(Collection<Task> tasks, RetentionPolicy policy) {
    if (!policy.deletesAnything()) {
      return RetentionPlan.NOTHING;
    }
    Instant now = clock.instant();
    List<FinishedTask> finished = tasks.stream().map(FinishedTask::of).flatMap(Optional::stream)
        .sorted(FinishedTask.OLDEST_FIRST).toList();
    int overflow = policy.maxRetainedTasks() == null ? 0
        : Math.max(0, finished.size() - policy.maxRetainedTasks());
    Duration ttl = policy.ttlAfterFinished();
    List<Deletion> deletions = new ArrayList<>();
    Instant nextExpiry = null;
    for (int i = 0; i < finished.size(); i++) {
      FinishedTask task = finished.get(i);
      EnumSet<RetentionRule> rules = EnumSet.noneOf(RetentionRule.class);
      Instant expiry = ttl == null ? null : expiry(task, ttl); // null: this Task never expires
      if (expiry != null && !expiry.isAfter(now)) {
        rules.add(RetentionRule.TTL);
      }
      if (i < overflow) {
        rules.add(RetentionRule.MAX_RETAINED);
      }
      if (!rules.isEmpty()) {
        deletions.add(new Deletion(task, rules));
      } else if (expiry != null && (nextExpiry == null || expiry.isBefore(nextExpiry))) {
        nextExpiry = expiry;
      }
    }
    return new RetentionPlan(deletions, Optional.ofNullable(nextExpiry));
  }

  /** When the TTL of a Task expires; {@code null} (never) when that lies beyond the representable range. */
  static Instant expiry(FinishedTask task, Duration ttl) {
    try {
      return task.completionTime().plus(ttl);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }
}
