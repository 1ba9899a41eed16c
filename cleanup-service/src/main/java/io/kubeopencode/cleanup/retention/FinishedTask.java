package io.kubeopencode.cleanup.retention;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;

/**
 * A Task that retention may delete: Completed or Failed, with a completionTime, not already being deleted. The
 * identity fields are what a deletion's precondition checks.
 */
public record FinishedTask(String namespace, String name, String uid, String resourceVersion, TaskPhase phase,
    Instant completionTime) {
  /** Oldest first: by completionTime, then name (then UID, for a total order). */
  public static final Comparator<FinishedTask> OLDEST_FIRST = Comparator.comparing(FinishedTask::completionTime)
      .thenComparing(FinishedTask::name).thenComparing(FinishedTask::namespace)
      .thenComparing(FinishedTask::uid, Comparator.nullsFirst(Comparator.naturalOrder()));

  /** The Task as a finished Task, or empty when retention must never touch it. */
  public static Optional<FinishedTask> of(Task task) {
    TaskStatus status = task.getStatus();
    if (status == null || status.phase() == null || !status.phase().isFinished()
        || task.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    return parseTime(status.completionTime()).map(completed -> new FinishedTask(task.getMetadata().getNamespace(),
        task.getMetadata().getName(), task.getMetadata().getUid(), task.getMetadata().getResourceVersion(),
        status.phase(), completed));
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** An RFC 3339 time ({@code 2025-01-02T03:04:05Z}, fractions and offsets allowed); empty if absent or invalid. */
  static Optional<Instant> parseTime(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty(); // a malformed time: never guess, keep the Task
    }
  }
}
