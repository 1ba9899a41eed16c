package io.kubeopencode.cleanup.retention;

/** The rule that selects a finished Task for deletion; {@link #tag()} is its name in logs and metrics. */
public enum RetentionRule {
  /** {@code ttlSecondsAfterFinished}: the Task finished at least this long ago. */
  TTL("ttl"),
  /** {@code maxRetainedTasks}: the namespace has more finished Tasks, and this is one of the oldest. */
  MAX_RETAINED("max-retained");

  private final String tag;

  RetentionRule(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
