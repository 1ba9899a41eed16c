package io.kubeopencode.service;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; fails the test with {@code what} when it does not within the timeout. */
final class Await {
  private Await() {
  }

  /** Returns how long it took. */
  static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    long begin = System.nanoTime();
    long deadline = begin + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
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
}
