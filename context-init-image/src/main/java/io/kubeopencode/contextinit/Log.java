package io.kubeopencode.contextinit;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One line per meaningful step, prefixed with the role. Callers never put secrets into messages; as a second line
 * of defence every registered secret value is masked in whatever is printed.
 */
public final class Log {
  private static final String MASK = "***";

  private final String role;
  private final PrintStream out;
  private final PrintStream err;
  private final List<String> secrets = new CopyOnWriteArrayList<>();

  public Log(String role, PrintStream out, PrintStream err) {
    this.role = role;
    this.out = out;
    this.err = err;
  }

  public void info(String message) {
    out.println(role + ": " + clean(message));
    out.flush();
  }

  /** Something that works, but not as well as it should: on stdout, marked. */
  public void warn(String message) {
    out.println(role + ": warning: " + clean(message));
    out.flush();
  }

  public void error(String message) {
    err.println(role + ": " + clean(message));
    err.flush();
  }

  /** A stack trace for an unexpected error, each line cleaned like a message. */
  public void stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    text.toString().lines().forEach(line -> err.println(clean(line)));
    err.flush();
  }

  /** Masks {@code value} in every later line; null and empty values are ignored. */
  public void addSecret(String value) {
    if (value != null && !value.isEmpty()) {
      secrets.add(value);
    }
  }

  /** The message as one line, secrets masked: how it is printed and written to the termination log. */
  public String clean(String message) {
    String line = String.valueOf(message).replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    for (String secret : secrets) {
      line = line.replace(secret, MASK);
    }
    return line;
  }
}
