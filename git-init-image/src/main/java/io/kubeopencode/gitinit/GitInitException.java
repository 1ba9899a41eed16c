package io.kubeopencode.gitinit;

/** A failure with its exit code and a one-line message that is safe to log (no credentials). */
public final class GitInitException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Failure failure;

  public GitInitException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public GitInitException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
