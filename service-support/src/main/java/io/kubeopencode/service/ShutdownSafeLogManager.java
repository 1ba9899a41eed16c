package io.kubeopencode.service;

import java.util.Collections;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * A JUL {@link LogManager} that keeps its handlers open while the JVM shuts down. The JDK's own LogManager closes
 * every handler from a shutdown hook of its own, which runs alongside the {@link ShutdownCoordinator}'s hook, so the
 * lines logged while stopping on SIGTERM would be lost. During shutdown this one only flushes the handlers.
 *
 * <p>Select it when the JVM starts: {@code -Djava.util.logging.manager=io.kubeopencode.service.ShutdownSafeLogManager}
 * (for example in {@code JAVA_TOOL_OPTIONS}).
 */
public final class ShutdownSafeLogManager extends LogManager {
  @Override
  public void reset() {
    if (jvmShuttingDown()) {
      flushAll();
      return;
    }
    super.reset();
  }

  private void flushAll() {
    for (String name : Collections.list(getLoggerNames())) {
      Logger logger = getLogger(name);
      if (logger != null) {
        for (Handler handler : logger.getHandlers()) {
          handler.flush();
        }
      }
    }
  }

  /** The JVM refuses new shutdown hooks once shutdown has begun; that is the only public way to ask. */
  private static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
