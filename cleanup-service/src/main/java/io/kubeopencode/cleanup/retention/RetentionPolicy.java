package io.kubeopencode.cleanup.retention;

import io.kubeopencode.api.v1alpha1.CleanupPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a namespace keeps of its finished Tasks. A {@code null} rule is off; {@link #NONE} keeps everything.
 *
 * @param ttlAfterFinished delete a finished Task this long after its completionTime
 * @param maxRetainedTasks keep at most this many finished Tasks, deleting the oldest
 */
public record RetentionPolicy(Duration ttlAfterFinished, Integer maxRetainedTasks) {
  public static final RetentionPolicy NONE = new RetentionPolicy(null, null);

  public RetentionPolicy {
    if (ttlAfterFinished != null && ttlAfterFinished.isNegative()) {
      throw new IllegalArgumentException("ttlAfterFinished must not be negative, was " + ttlAfterFinished);
    }
    if (maxRetainedTasks != null && maxRetainedTasks < 0) {
      throw new IllegalArgumentException("maxRetainedTasks must not be negative, was " + maxRetainedTasks);
    }
  }

  /** From a KubeOpenCodeConfig's {@code spec.cleanup}; a negative value (the CRD forbids it) turns its rule off. */
  public static RetentionPolicy of(CleanupPolicy cleanup) {
    if (cleanup == null) {
      return NONE;
    }
    Long ttl = cleanup.ttlSecondsAfterFinished();
    Integer max = cleanup.maxRetainedTasks();
    return new RetentionPolicy(ttl == null || ttl < 0 ? null : Duration.ofSeconds(ttl),
        max == null || max < 0 ? null : max);
  }

  /** Whether any rule is on. */
  public boolean deletesAnything() {
    return ttlAfterFinished != null || maxRetainedTasks != null;
  }

  /** For log lines: {@code ttlSecondsAfterFinished=60 maxRetainedTasks=10}, or {@code keep all}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (ttlAfterFinished != null) {
      parts.add("ttlSecondsAfterFinished=" + ttlAfterFinished.toSeconds());
    }
    if (maxRetainedTasks != null) {
      parts.add("maxRetainedTasks=" + maxRetainedTasks);
    }
    return parts.isEmpty() ? "keep all" : String.join(" ", parts);
  }
}
