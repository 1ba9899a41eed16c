package io.kubeopencode.images.bench;

import java.util.Optional;

/**
 * Every scenario once per round, round after round, so that a change of the machine's load hits every variant
 * alike; the warm-up rounds are printed but not counted.
 */
final class InterleavedRounds {
  private final BenchPlan plan;
  private final BenchEnvironment environment;
  private final RoundResults results = new RoundResults();

  InterleavedRounds(BenchPlan plan, BenchEnvironment environment) {
    this.plan = plan;
    this.environment = environment;
  }

  /** The counted rounds' results; empty when stopped by the shutdown hook. */
  Optional<RoundResults> run() throws Exception {
    for (int round = 1 - plan.warmup(); round <= plan.runs(); round++) {
      for (Scenario scenario : plan.scenarios()) {
        if (environment.isStopping()) {
          System.out.println("[bench] stopped");
          return Optional.empty();
        }
        runOnce(scenario, round);
      }
    }
    return Optional.of(results);
  }

  private void runOnce(Scenario scenario, int round) throws Exception {
    String what = round <= 0 ? "warm-up" : "run " + round;
    Sample sample;
    try {
      sample = environment.measure(scenario);
    } catch (IllegalStateException failed) {
      // Counted and shown, never hidden: an out-of-memory kill under the limit is a result too. (On a shared
      // machine another harness's containerd may also end containers under the same cgroup parent.)
      System.out.printf("[bench] %-40s %-8s FAILED: %s%n", scenario.label(), what, failed.getMessage());
      if (round > 0) {
        results.countFailure(scenario);
      }
      return;
    }
    System.out.printf("[bench] %-40s %-8s %s%n", scenario.label(), what, BenchReport.runLine(scenario, sample));
    if (round > 0) {
      results.add(scenario, sample);
    }
  }
}
