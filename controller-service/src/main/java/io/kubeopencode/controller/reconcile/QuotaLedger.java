package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.Quota;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** An Agent's start ledger ({@code status.taskStartHistory}): the starts inside the sliding window. Pure. */
public final class QuotaLedger {
  private QuotaLedger() {}

  /** The records still inside the window at {@code now}, oldest first, without duplicates. */
  public static List<TaskStartRecord> inWindow(List<TaskStartRecord> records, Quota quota, Instant now) {
    Instant since = now.minus(Duration.ofSeconds(quota.windowSeconds()));
    return new ArrayList<>(new LinkedHashSet<>(records)).stream()
        .filter(r -> r.startTime() != null && Instant.parse(r.startTime()).isAfter(since))
        .sorted(Comparator.comparing(TaskStartRecord::startTime))
        .toList();
  }

  /** The window's records plus one more start. */
  public static List<TaskStartRecord> plus(List<TaskStartRecord> records, Quota quota, Instant now,
      TaskStartRecord start) {
    List<TaskStartRecord> result = new ArrayList<>(inWindow(records, quota, now));
    result.removeIf(r -> r.taskName().equals(start.taskName()) && r.taskNamespace().equals(start.taskNamespace()));
    result.add(start);
    return result;
  }

  /** The window's records without the start of one Task (a start rolled back because its Job was refused). */
  public static List<TaskStartRecord> minus(List<TaskStartRecord> records, String taskNamespace, String taskName) {
    return records.stream()
        .filter(r -> !(r.taskName().equals(taskName) && r.taskNamespace().equals(taskNamespace))).toList();
  }
}
