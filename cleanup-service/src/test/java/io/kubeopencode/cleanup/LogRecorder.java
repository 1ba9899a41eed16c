package io.kubeopencode.cleanup;

import io.kubeopencode.testsupport.Await;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records what one class of the service logs (java.util.logging, where System.Logger goes), so a test can wait for a
 * line the service writes when it has acted on something, e.g. that it applies a namespace's changed retention.
 */
public final class LogRecorder extends Handler implements AutoCloseable {
  private static final SimpleFormatter FORMATTER = new SimpleFormatter();
  private final Logger logger; // held: JUL keeps loggers only weakly, and a collected one loses its handlers
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  /** @param loggerName the logging class's name */
  public LogRecorder(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
    logger.addHandler(this);
  }

  /** Waits for a record whose formatted message satisfies {@code matching}; returns it. */
  public LogRecord await(String what, Predicate<String> matching) {
    Await.until(what + " logged", () -> find(matching).isPresent());
    return find(matching).orElseThrow();
  }

  /** Forgets what was recorded so far. */
  public void clear() {
    records.clear();
  }

  private Optional<LogRecord> find(Predicate<String> matching) {
    return records.stream().filter(r -> matching.test(FORMATTER.formatMessage(r))).findFirst();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
