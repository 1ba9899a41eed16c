package io.kubeopencode.cleanup.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limiter's pacing, on a clock the test moves. */
class TokenBucketTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(5 * SECOND);

  @Test
  void aBurstAtOnceThenOneSlotPerInterval() {
    TokenBucket bucket = new TokenBucket(10, 3, now::get);

    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(bucket.reserve() / MS);
    }

    assertThat(waits).containsExactly(0L, 0L, 0L, 100L, 200L, 300L);
  }

  @Test
  void aCallerThatWaitsAsToldDrainsABacklogAtExactlyTheRate() {
    TokenBucket bucket = new TokenBucket(50, 10, now::get);
    long start = now.get();
    List<Long> issuedAt = new ArrayList<>();

    for (int i = 0; i < 10_000; i++) { // a 10,000-Task backlog, one caller sleeping as told
      now.addAndGet(bucket.reserve());
      issuedAt.add(now.get());
    }

    // 10 at once, then 9,990 at 50/s: 199.8 s.
    assertThat(now.get() - start).isBetween(199_800 * MS - 1_000, 199_800 * MS + 1_000);
    // Any one second sees the burst and the rate's calls at most (here 10 + 49: the 50th falls on the window's end).
    assertThat(maxInAnyWindow(issuedAt, SECOND)).isBetween(50, 10 + 50);
    // Steady: after the burst, every gap is the interval.
    for (int i = 11; i < issuedAt.size(); i++) {
      assertThat(issuedAt.get(i) - issuedAt.get(i - 1)).isBetween(20 * MS - 2, 20 * MS + 2);
    }
  }

  @Test
  void concurrentCallersGetDistinctSlots() throws Exception {
    TokenBucket bucket = new TokenBucket(100, 5, now::get); // time stands still: every slot is a reservation
    List<Long> waits = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 250; i++) {
          waits.add(bucket.reserve());
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    List<Long> sorted = waits.stream().sorted().toList();
    assertThat(sorted.subList(0, 5)).containsOnly(0L);
    for (int i = 5; i < sorted.size(); i++) {
      assertThat(sorted.get(i)).isBetween((i - 4) * 10 * MS - 2, (i - 4) * 10 * MS + 2);
    }
  }

  @Test
  void idleTimeRefillsUpToTheBurstOnly() {
    TokenBucket bucket = new TokenBucket(10, 3, now::get);
    for (int i = 0; i < 3; i++) {
      bucket.reserve();
    }
    now.addAndGet(3600 * SECOND);

    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waits.add(bucket.reserve() / MS);
    }

    assertThat(waits).containsExactly(0L, 0L, 0L, 100L, 200L);
  }

  @Test
  void aFractionalRate() {
    TokenBucket bucket = new TokenBucket(0.5, 1, now::get);
    assertThat(bucket.reserve()).isZero();
    assertThat(bucket.reserve()).isEqualTo(2 * SECOND);
    now.addAndGet(SECOND);
    assertThat(bucket.reserve()).isEqualTo(3 * SECOND);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(-1, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(Double.POSITIVE_INFINITY, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The most calls issued within any window of {@code width} (a window starting at each call). */
  static int maxInAnyWindow(List<Long> times, long width) {
    int max = 0;
    int end = 0;
    for (int start = 0; start < times.size(); start++) {
      while (end < times.size() && times.get(end) < times.get(start) + width) {
        end++;
      }
      max = Math.max(max, end - start);
    }
    return max;
  }
}
