package io.kubeopencode.gitinit;

import java.io.PrintStream;

/** One line per step to the container log, always through the {@link Redactor}. */
public final class Log {
  private final PrintStream out;
  private volatile Redactor redactor = Redactor.none();

  public Log(PrintStream out) {
    this.out = out;
  }

  void useRedactor(Redactor redactor) {
    this.redactor = redactor;
  }

  public void info(String message) {
    out.println("git-init: " + redactor.redact(message));
    out.flush();
  }

  public void warn(String message) {
    out.println("git-init: warning: " + redactor.redact(message));
    out.flush();
  }

  public void error(String message) {
    out.println("git-init: error: " + redactor.redact(message));
    out.flush();
  }
}
