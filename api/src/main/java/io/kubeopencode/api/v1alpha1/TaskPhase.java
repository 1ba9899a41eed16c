package io.kubeopencode.api.v1alpha1;

/** Pending → Queued → Running → Completed or Failed. */
public enum TaskPhase {
  /** Accepted, not yet admitted. */
  Pending,
  /** Waiting for Agent capacity or quota. */
  Queued,
  /** The pod exists (or is being replaced after a disruption). */
  Running,
  Completed,
  Failed;

  public boolean isFinished() {
    return this == Completed || this == Failed;
  }
}
