package io.kubeopencode.cleanup.service;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A backlog of expired Tasks is drained completely, and no faster than the configured rate allows. How steadily and
 * how close to the rate it drains is BacklogDrainBenchmark's business (hack/bench-cleanup.sh drain): a busy machine
 * drains slower, which is no failure.
 */
@Tag("apiserver")
class BacklogDrainTest {
  private static final int TASKS = 300;
  private static final int RATE = 100;
  private static final int BURST = 10;

  @Test
  void drainsABacklogCompletelyAndNoFasterThanTheRate() {
    String ns = ApiServer.namespace("backlog");
    ApiServer.createExpired(ns, TASKS);
    try (Main.Running service = Main.start(serviceConfig(ns, "drain", Map.of(
        "leader-election.enabled", "false",
        "cleanup.sweep-interval", "PT1H",
        "cleanup.delete-rate", Integer.toString(RATE),
        "cleanup.delete-burst", Integer.toString(BURST),
        "cleanup.delete-workers", "4")), client())) {
      await(() -> service.cleanup().lastSweep().isPresent(), Await.LIVENESS, "the first sweep");
      assertThat(service.cleanup().backlog()).as("nothing selected without a config").isZero();

      long configured = System.nanoTime();
      applyConfig(ns, 60L, null);
      Await.until(TASKS + " deletions", Await.LIVENESS.plusSeconds(3L * TASKS / RATE),
          () -> service.cleanup().deletedCount() >= TASKS);
      Duration drained = Duration.ofNanos(System.nanoTime() - configured);

      assertThat(service.cleanup().deletedCount()).isEqualTo(TASKS);
      await(() -> ApiServer.taskNames(ns).isEmpty(), Await.LIVENESS, "no Task left");
      // The bucket holds BURST tokens at the start and earns one per 1/RATE s: the last deletion cannot be issued
      // before (TASKS - BURST) / RATE seconds, however fast the machine.
      assertThat(drained).isGreaterThanOrEqualTo(Duration.ofMillis(1000L * (TASKS - BURST) / RATE));
    }
  }
}
