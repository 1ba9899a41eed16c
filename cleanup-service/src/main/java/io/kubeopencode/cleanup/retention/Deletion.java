package io.kubeopencode.cleanup.retention;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** A finished Task selected for deletion, and every rule that selected it. */
public record Deletion(FinishedTask task, Set<RetentionRule> rules) {
  public Deletion {
    Objects.requireNonNull(task, "task");
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("a deletion needs a rule");
    }
    rules = Set.copyOf(EnumSet.copyOf(rules));
  }

  /** The rule a deletion is counted under: TTL when it applies, else max-retained. */
  public RetentionRule reason() {
    return rules.contains(RetentionRule.TTL) ? RetentionRule.TTL : RetentionRule.MAX_RETAINED;
  }
}
