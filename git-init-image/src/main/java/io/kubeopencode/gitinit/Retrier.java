package io.kubeopencode.gitinit;

import java.time.Duration;
import java.util.function.Predicate;

/** Runs an attempt, retrying it after transient failures only, waiting as {@link Settings.RetryPolicy} says. */
public final class Retrier {
  /** Waits; tests pass one that records instead. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  public interface Attempt<T> {
    T run(int attempt) throws Exception;
  }

  /** Told about each failed attempt that will be retried: number (1-based), the failure, the wait. */
  public interface RetryListener {
    void retrying(int attempt, Exception failure, Duration wait);
  }

  private final Settings.RetryPolicy policy;
  private final Sleeper sleeper;

  public Retrier(Settings.RetryPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  public int maxAttempts() {
    return policy.retries() + 1;
  }

  public <T> T run(Attempt<T> attempt, Predicate<Exception> isTransient, RetryListener listener) throws Exception {
    for (int n = 1; ; n++) {
      try {
        return attempt.run(n);
      } catch (Exception e) {
        if (n > policy.retries() || !isTransient.test(e)) {
          throw e;
        }
        Duration wait = policy.delayBefore(n);
        listener.retrying(n, e, wait);
        sleeper.sleep(wait);
      }
    }
  }
}
