package io.kubeopencode.cleanup.bench;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;

import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backlog of expired Tasks drained by the cleanup-service (its Main, in this JVM) on a real API server: prints the
 * drain time, the average rate against the configured one, the most and fewest deletions in any one second of the
 * drain and the peak backlog, read from the service's own counts every 10 ms. -Dbench.tasks (default 1000),
 * -Dbench.rate (100), -Dbench.burst (10), -Dbench.workers (4). Run with hack/bench-cleanup.sh drain.
 */
public final class BacklogDrainBenchmark {
  private static final long SECOND = 1_000_000_000L;

  /** One sample: when, how many deleted so far, how many waiting. */
  private record Sample(long nanos, long deleted, int backlog) {}

  private BacklogDrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("bench.tasks", 1000);
    int rate = Integer.getInteger("bench.rate", 100);
    int burst = Integer.getInteger("bench.burst", 10);
    int workers = Integer.getInteger("bench.workers", 4);
    try {
      String ns = ApiServer.namespace("backlog");
      long creating = System.nanoTime();
      ApiServer.createExpired(ns, tasks);
      System.out.printf("created %d finished Tasks in %d ms%n", tasks, (System.nanoTime() - creating) / 1_000_000);
      try (Main.Running service = Main.start(serviceConfig(ns, "drain", Map.of(
          "leader-election.enabled", "false",
          "cleanup.sweep-interval", "PT1H",
          "cleanup.delete-rate", Integer.toString(rate),
          "cleanup.delete-burst", Integer.toString(burst),
          "cleanup.delete-workers", Integer.toString(workers))), client())) {
        Await.until("the first sweep", () -> service.cleanup().lastSweep().isPresent());
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
        Await.until(tasks + " deletions", Duration.ofSeconds(60 + 10L * tasks / rate),
            () -> service.cleanup().deletedCount() >= tasks);
        Thread.sleep(20);
        sampler.interrupt();
        sampler.join();

        long first = samples.stream().filter(s -> s.deleted() > 0).findFirst().orElseThrow().nanos();
        long last = samples.stream().filter(s -> s.deleted() >= tasks).findFirst().orElseThrow().nanos();
        System.out.printf("%n== backlog of %d expired Tasks (configured %d/s, burst %d, %d workers) ==%n", tasks, rate,
            burst, workers);
        System.out.printf("drained %.2f s after the config (first deletion after %d ms): %.1f deletions/s (%.0f %% of"
                + " the rate)%n", (last - configured) / 1e9, (first - configured) / 1_000_000,
            (tasks - 1) / ((last - first) / 1e9), 100 * (tasks - 1) / ((last - first) / 1e9) / rate);
        System.out.printf("per second: at most %d (limit: rate + burst = %d), at least %d; peak backlog %d%n",
            maxInAnySecond(samples), rate + burst, minInAnySecond(samples, first, last),
            samples.stream().mapToInt(Sample::backlog).max().orElseThrow());
      }
    } finally {
      ApiServer.cluster().close();
    }
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
