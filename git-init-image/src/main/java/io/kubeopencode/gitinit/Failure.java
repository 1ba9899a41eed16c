package io.kubeopencode.gitinit;

/** What went wrong, with the process exit code the controller reports in the Task's status. */
public enum Failure {
  INTERNAL(1),
  CONFIG(2),
  AUTH(3),
  REF_NOT_FOUND(4),
  REPO_NOT_FOUND(5),
  HOST_KEY_NOT_TRUSTED(6),
  TLS(7),
  NETWORK(8),
  SUBPATH_NOT_FOUND(9),
  WORKSPACE(10);

  private final int exitCode;

  Failure(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
