package io.kubeopencode.cleanup.bench;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.cleanup.TestTasks;
import io.kubeopencode.cleanup.retention.RetentionPlan;
import io.kubeopencode.cleanup.retention.RetentionPolicy;
import io.kubeopencode.cleanup.retention.RetentionSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Planning retention for one namespace of many finished Tasks (both rules, completion times spread over a day):
 * prints the time of each round; the first rounds run interpreted, the best is the steady state.
 * -Dbench.tasks=N (default 10000), -Dbench.rounds=N (default 12). Run with hack/bench-cleanup.sh selector.
 */
public final class RetentionSelectorBenchmark {
  /** Keeps the newest 100 and what finished in the last 50,000 s. */
  public static final RetentionPolicy POLICY = new RetentionPolicy(Duration.ofSeconds(50_000), 100);

  private RetentionSelectorBenchmark() {}

  /** {@code count} finished Tasks in namespace {@code ns}, completed up to 100,000 s before {@code now}. */
  public static List<Task> tasks(int count, Instant now) {
    List<Task> tasks = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < count; i++) {
      tasks.add(TestTasks.finished("ns", "t" + i, now.minusSeconds(random.nextInt(100_000))));
    }
    return tasks;
  }

  public static void main(String[] args) {
    int count = Integer.getInteger("bench.tasks", 10_000);
    int rounds = Integer.getInteger("bench.rounds", 12);
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    RetentionSelector selector = new RetentionSelector(Clock.fixed(now, ZoneOffset.UTC));
    List<Task> tasks = tasks(count, now);
    double[] millis = new double[rounds];
    RetentionPlan plan = null;
    for (int round = 0; round < rounds; round++) {
      long started = System.nanoTime();
      plan = selector.plan(tasks, POLICY);
      millis[round] = (System.nanoTime() - started) / 1e6;
    }
    System.out.printf("planned %,d Tasks (%,d deletions) in ms, round by round: %s%n", count, plan.deletions().size(),
        Arrays.toString(Arrays.stream(millis).mapToLong(Math::round).toArray()));
    System.out.printf("best %.1f ms, last %.1f ms%n", Arrays.stream(millis).min().orElseThrow(), millis[rounds - 1]);
  }
}
