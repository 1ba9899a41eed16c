package io.kubeopencode.cleanup.bench;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;

import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.DeletionRecorder;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How soon the cleanup-service (its Main, in this JVM, sweeps an hour apart) acts, as seen by a watch on a real API
 * server: a config applied to a namespace with an expired Task (Task deleted how long after the config), a TTL's
 * timer (deleted how long after the expiry), and the count rule next to a TTL (deleted how long after the config).
 * Prints each round and the median. -Dbench.rounds=N (default 5). Run with hack/bench-cleanup.sh latency.
 */
public final class CleanupLatencyBenchmark {
  private static final Duration TTL = Duration.ofSeconds(3);

  private CleanupLatencyBenchmark() {}

  public static void main(String[] args) {
    int rounds = Integer.getInteger("bench.rounds", 5);
    List<Long> onConfig = new ArrayList<>();
    List<Long> afterExpiry = new ArrayList<>();
    List<Long> countRule = new ArrayList<>();
    try {
      for (int round = 0; round < rounds; round++) {
        String ns = ApiServer.namespace("latency");
        Instant now = Instant.now();
        createFinished(ns, "count-victim", now.minusSeconds(2));
        createFinished(ns, "newer", now.minusSeconds(1));
        createFinished(ns, "newest", now);
        try (Main.Running service = Main.start(serviceConfig(ns, "latency", Map.of(
            "leader-election.enabled", "false", "cleanup.sweep-interval", "PT1H")), client());
            DeletionRecorder deletions = new DeletionRecorder(ns)) {
          Await.until("the first sweep", () -> service.cleanup().lastSweep().isPresent());
          // The count rule with an hour's TTL: only count-victim goes, at once.
          Instant configured = Instant.now();
          applyConfig(ns, 3600L, 2);
          deletions.awaitDeleted("count-victim", Await.LIVENESS);
          countRule.add(Duration.between(configured, deletions.at("count-victim")).toMillis());

          // A 3 s TTL: an expired Task at once, a fresh one at its expiry.
          applyConfig(ns, TTL.toSeconds(), null);
          Instant completed = Instant.now();
          createFinished(ns, "expired", completed.minusSeconds(3600));
          createFinished(ns, "fresh", completed);
          deletions.awaitDeleted("expired", Await.LIVENESS);
          deletions.awaitDeleted("fresh", Await.LIVENESS);
          onConfig.add(Duration.between(completed, deletions.at("expired")).toMillis());
          afterExpiry.add(Duration.between(completed.plus(TTL), deletions.at("fresh")).toMillis());
        }
      }
    } finally {
      ApiServer.cluster().close();
    }
    System.out.printf("%n== cleanup-service latency, %d rounds (ms; each round, then the median) ==%n", rounds);
    print("count rule: config applied -> oldest beyond the count deleted", countRule);
    print("TTL: expired Task created -> deleted", onConfig);
    print("TTL timer: expiry -> fresh Task deleted", afterExpiry);
  }

  private static void print(String what, List<Long> millis) {
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.printf("%-62s %s  median %d%n", what, millis, sorted.get(sorted.size() / 2));
  }
}
