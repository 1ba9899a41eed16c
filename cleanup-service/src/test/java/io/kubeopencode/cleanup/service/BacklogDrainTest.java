package io.kubeopencode.cleanup.service;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.Main;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A backlog of expired Tasks is drained at the configured rate, not all at once: 300 Tasks at 100/s by default.
 * {@code -Dbacklog.tasks=10000 -Dbacklog.rate=200} makes it the 10,000-Task benchmark of
 * docs/cleanup.md. The rate is read from the service's own count of accepted deletions, sampled every 10 ms.
 */
class BacklogDrainTest {
  private static final int TASKS = Integer.getInteger("backlog.tasks", 300);
  private static final int RATE = Integer.getInteger("backlog.rate", 100);
  private static final int WORKERS = Integer.getInteger("backlog.workers", 4);
  private static final int BURST = 10;
  private static final long SECOND = 1_000_000_000L;

  /** One sample: when, how many deleted so far, how many waiting. */
  private record Sample(long nanos, long deleted, int backlog) {}

  @Test
  void drainsABacklogSteadilyAtTheConfiguredRate() throws Exception {
    String ns = ApiServer.namespace("backlog");
    createExpiredTasks(ns);
    try (Main.Running service = Main.start(serviceConfig(ns, "drain", Map.of(
        "leader-election.enabled", "false",
        "cleanup.sweep-interval", "PT1H",
        "cleanup.delete-rate", Integer.toString(RATE),
        "cleanup.delete-burst", Integer.toString(BURST),
        "cleanup.delete-workers", Integer.toString(WORKERS))), client())) {
      await(() -> service.cleanup().lastSweep().isPresent(), Duration.ofSeconds(60), "the first sweep");
      assertThat(service.cleanup().backlog()).as("nothing selected without a config").isZero();
      List<Sample> samples = new CopyOnWriteArrayList<>();
      Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          samples.add(new Sample(System.nanoTime(), service.cleanup().deletedCount(), service.cleanup().backlog()));
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      });

      long configured = System.nanoTime();
      applyConfig(ns, 60L, null);
      await(() -> service.cleanup().deletedCount() == TASKS, Duration.ofSeconds(30 + 3L * TASKS / RATE),
          TASKS + " deletions");
      Thread.sleep(20);
      sampler.interrupt();
      sampler.join();

      long first = samples.stream().filter(s -> s.deleted() > 0).findFirst().orElseThrow().nanos();
      long last = samples.stream().filter(s -> s.deleted() == TASKS).findFirst().orElseThrow().nanos();
      double rate = (TASKS - 1) / ((last - first) / 1e9);
      long peakSecond = maxInAnySecond(samples);
      long leanSecond = minInAnySecond(samples, first, last);
      int peakBacklog = samples.stream().mapToInt(Sample::backlog).max().orElseThrow();
      System.out.printf("backlog of %d drained in %.2f s after the config (first deletion after %d ms): %.1f"
              + " deletions/s (configured %d/s, burst %d, %d workers); per second at most %d, at least %d;"
              + " peak backlog %d%n", TASKS, (last - configured) / 1e9, (first - configured) / 1_000_000, rate, RATE,
          BURST, WORKERS, peakSecond, leanSecond, peakBacklog);

      // Bounded: never more than the rate plus the burst in any second (a sample's 10 ms of slack).
      assertThat(peakSecond).isLessThanOrEqualTo(RATE + BURST + 2);
      // Steady: the average is near the configured rate (below it only by API latency on a busy machine), and no
      // second in the middle of the drain falls far below it.
      assertThat(rate).isBetween(RATE * 0.6, RATE * 1.1);
      assertThat(leanSecond).isGreaterThanOrEqualTo(RATE / 3);
      assertThat(peakBacklog).isGreaterThan(TASKS / 2);
      await(() -> ApiServer.taskNames(ns).isEmpty(), Duration.ofSeconds(30), "no Task left");
    }
  }

  private static void createExpiredTasks(String ns) throws Exception {
    Instant longAgo = Instant.now().minusSeconds(3600);
    long creating = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        int n = i;
        created.add(pool.submit(() -> createFinished(ns, String.format("t%05d", n), longAgo.plusMillis(n))));
      }
      for (Future<?> f : created) {
        f.get();
      }
    }
    System.out.printf("created %d finished Tasks in %d ms%n", TASKS, (System.nanoTime() - creating) / 1_000_000);
  }

  /** The most deletions within one second after any sample. */
  private static long maxInAnySecond(List<Sample> samples) {
    long max = 0;
    int end = 0;
    for (int start = 0; start < samples.size(); start++) {
      while (end + 1 < samples.size() && samples.get(end + 1).nanos() <= samples.get(start).nanos() + SECOND) {
        end++;
      }
      max = Math.max(max, samples.get(end).deleted() - samples.get(start).deleted());
    }
    return max;
  }

  /** The fewest deletions within one second, over the seconds that lie wholly inside the drain. */
  private static long minInAnySecond(List<Sample> samples, long first, long last) {
    long min = Long.MAX_VALUE;
    int end = 0;
    for (int start = 0; start < samples.size(); start++) {
      Sample from = samples.get(start);
      if (from.nanos() < first || from.nanos() + SECOND > last) {
        continue;
      }
      end = Math.max(end, start);
      while (end + 1 < samples.size() && samples.get(end + 1).nanos() <= from.nanos() + SECOND) {
        end++;
      }
      min = Math.min(min, samples.get(end).deleted() - from.deleted());
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }
}
