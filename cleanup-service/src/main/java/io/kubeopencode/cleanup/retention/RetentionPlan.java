package io.kubeopencode.cleanup.retention;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do in one namespace now.
 *
 * @param deletions  the Tasks to delete, oldest first ({@link FinishedTask#OLDEST_FIRST})
 * @param nextExpiry when the next retained Task's TTL expires (when to plan again), if any
 */
public record RetentionPlan(List<Deletion> deletions, Optional<Instant> nextExpiry) {
  public static final RetentionPlan NOTHING = new RetentionPlan(List.of(), Optional.empty());

  public RetentionPlan {
    deletions = List.copyOf(deletions);
    Objects.requireNonNull(nextExpiry, "nextExpiry");
  }
}
