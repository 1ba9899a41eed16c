package io.kubeopencode.cleanup.service;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.awaitCount;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;
import static io.kubeopencode.cleanup.ApiServer.taskNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.Http;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two replicas on one Lease: only the leader deletes; the standby takes over when the leader stops. */
@Tag("apiserver")
class ReplicasTest {
  private static final Duration WAIT = Await.LIVENESS;

  @Test
  void onlyTheLeaderDeletesAndTheStandbyTakesOver() {
    String ns = ApiServer.namespace("replicas");
    Map<String, String> config = Map.of("cleanup.sweep-interval", "PT1H");
    Main.Running a = Main.start(serviceConfig(ns, "replica-a", config), client());
    Main.Running b = Main.start(serviceConfig(ns, "replica-b", config), client());
    try {
      await(() -> a.election().isLeader() || b.election().isLeader(), WAIT, "a leader");
      Main.Running leader = a.election().isLeader() ? a : b;
      Main.Running standby = leader == a ? b : a;
      await(() -> Http.status(standby.port(), "/observe/health/ready") == 200, WAIT, "the standby ready");
      assertThat(standby.cleanup().isRunning()).as("a standby applies no retention").isFalse();
      assertThat(leader.cleanup().isRunning()).isTrue();

      applyConfig(ns, 0L, null);
      for (int i = 0; i < 5; i++) {
        createFinished(ns, "first-" + i, Instant.now());
      }
      await(() -> taskNames(ns).isEmpty(), WAIT, "the first Tasks deleted");
      awaitCount(leader.cleanup()::deletedCount, 5, "the leader's deletions");
      assertThat(standby.cleanup().deletedCount()).as("the standby deleted nothing").isZero();

      long closing = System.nanoTime();
      leader.close();
      await(() -> standby.election().isLeader(), WAIT, "the standby takes over");
      System.out.printf("standby took over %d ms after the leader began closing%n",
          (System.nanoTime() - closing) / 1_000_000);
      for (int i = 0; i < 3; i++) {
        createFinished(ns, "second-" + i, Instant.now());
      }
      await(() -> taskNames(ns).isEmpty(), WAIT, "the second Tasks deleted");
      awaitCount(standby.cleanup()::deletedCount, 3, "the new leader's deletions");
      assertThat(leader.cleanup().deletedCount()).isEqualTo(5);
    } finally {
      a.close();
      b.close();
    }
  }
}
