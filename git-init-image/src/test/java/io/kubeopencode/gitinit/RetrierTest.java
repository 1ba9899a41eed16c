package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final List<Duration> slept = new ArrayList<>();
  private final List<Integer> retried = new ArrayList<>();

  private Retrier retrier(int retries, Duration delay) {
    return new Retrier(new Settings.RetryPolicy(retries, delay), slept::add);
  }

  @Test
  void transientFailuresAreRetriedWithDoublingDelays() throws Exception {
    int[] calls = {0};
    String result = retrier(3, Duration.ofSeconds(5)).run(n -> {
      calls[0]++;
      if (n < 4) {
        throw new IOException("down");
      }
      return "ok";
    }, e -> true, (n, e, wait) -> retried.add(n));

    assertThat(result).isEqualTo("ok");
    assertThat(calls[0]).isEqualTo(4);
    assertThat(retried).containsExactly(1, 2, 3);
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20));
  }

  @Test
  void givesUpAfterTheLastRetry() {
    assertThatThrownBy(() -> retrier(2, Duration.ofMillis(100)).run(n -> {
      throw new IOException("attempt " + n);
    }, e -> true, (n, e, wait) -> retried.add(n))).hasMessage("attempt 3");
    assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void permanentFailuresAreNotRetried() {
    assertThatThrownBy(() -> retrier(5, Duration.ofSeconds(1)).run(n -> {
      throw new IllegalStateException("bad password");
    }, e -> false, (n, e, wait) -> retried.add(n))).hasMessage("bad password");
    assertThat(slept).isEmpty();
    assertThat(retried).isEmpty();
  }

  @Test
  void backoffIsCappedAtFiveMinutes() {
    Settings.RetryPolicy policy = new Settings.RetryPolicy(20, Duration.ofMinutes(1));
    assertThat(policy.delayBefore(1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofMinutes(4));
    assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delayBefore(20)).isEqualTo(Duration.ofMinutes(5));
  }
}
