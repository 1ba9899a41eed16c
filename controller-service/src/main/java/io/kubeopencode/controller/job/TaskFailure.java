package io.kubeopencode.controller.job;

/**
 * Why a Task cannot run, as the reason and message its status will carry. Thrown by the pure resolution steps and
 * turned into phase Failed by the reconciler.
 */
public final class TaskFailure extends RuntimeException {
  private final String reason;

  public TaskFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  public static TaskFailure contextError(String message) {
    return new TaskFailure(Reasons.CONTEXT_ERROR, message);
  }
}
