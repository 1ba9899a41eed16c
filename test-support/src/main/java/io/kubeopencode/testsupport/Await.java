package io.kubeopencode.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds, for tests that wait for an observable signal instead of sleeping. Timeouts are
 * liveness limits, not speed requirements: choose them generously (a minute), so a busy machine never fails a test.
 */
public final class Await {
  /** The timeout to use unless a test has a reason for another: long enough for any busy machine. */
  public static final Duration LIVENESS = Duration.ofSeconds(60);

  private Await() {}

  /** Waits up to {@link #LIVENESS}; returns how long it took. */
  public static Duration until(String what, BooleanSupplier condition) {
    return until(what, LIVENESS, condition);
  }

  /** Returns how long it took; fails the test with {@code what} when the condition does not hold in time. */
  public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    long begin = System.nanoTime();
    long deadline = begin + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + what);
      }
    }
    return Duration.ofNanos(System.nanoTime() - begin);
  }

  /** The pause of a polling loop that fails, rather than goes on, when the thread is interrupted. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
