package io.kubeopencode.testsupport;

/** Outcome of a command such as kubectl. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  /** stdout, or a failure naming the exit code and stderr. */
  public String requireSuccess() {
    if (exitCode != 0) {
      throw new IllegalStateException("command failed with exit code " + exitCode + ": " + stderr.strip());
    }
    return stdout;
  }
}
