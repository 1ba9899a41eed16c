package io.kubeopencode.cleanup.kube;

import java.util.function.LongSupplier;

/**
 * Paces API calls: {@code burst} calls at once, then {@code ratePerSecond} calls a second on average. A caller
 * {@link #reserve() reserves} the next slot and waits the time returned; reservations queue up in order (a token
 * taken ahead of time is a debt later callers wait off), so several threads together never exceed the rate.
 * Time comes from an injected nanosecond clock ({@link System#nanoTime()} in production).
 */
public final class TokenBucket {
  private final double tokensPerNano;
  private final int burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of calls per second, was " + ratePerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.tokensPerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token; returns how many nanoseconds to wait before using it (0: now). */
  public synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
    last = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
  }
}
