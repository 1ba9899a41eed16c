package io.kubeopencode.cleanup.service;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.awaitCount;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;
import static io.kubeopencode.cleanup.ApiServer.taskNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.Http;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.ListeningSockets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Health endpoints, metrics and the Lease of one replica with leader election on. */
@Tag("apiserver")
class ObservabilityTest {
  private static final Duration WAIT = Await.LIVENESS;

  @Test
  void servesHealthAndMetrics() throws Exception {
    String ns = ApiServer.namespace("observe");
    ApiServer.cluster();
    long start = System.nanoTime();
    Main.Running service = Main.start(serviceConfig(ns, "observed", Map.of("cleanup.sweep-interval", "PT1S")),
        client());
    try {
      await(() -> Http.status(service.port(), "/observe/health/ready") == 200, WAIT, "ready");
      System.out.printf("cleanup-service ready %d ms after Main.start%n",
          (System.nanoTime() - start) / 1_000_000);
      assertThat(Http.status(service.port(), "/observe/health/started")).isEqualTo(200);
      assertThat(Http.status(service.port(), "/observe/health/live")).isEqualTo(200);
      assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
          .as("the service's port among this JVM's listeners").anyMatch(l -> l.port() == service.port());
      await(() -> service.election().isLeader(), WAIT, "leadership");
      Lease lease = client().leases().inNamespace(ns).withName("kubeopencode-cleanup").get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("observed");

      applyConfig(ns, 0L, null);
      createFinished(ns, "one", Instant.now().minusSeconds(1));
      createFinished(ns, "two", Instant.now().minusSeconds(1));
      await(() -> taskNames(ns).isEmpty(), WAIT, "both deleted");
      awaitCount(service.cleanup()::deletedCount, 2, "deletions"); // counted (and metered) just after the call
      Instant deleted = Instant.now();
      await(() -> service.cleanup().lastSweep().orElseThrow().isAfter(deleted), WAIT, "a sweep after that");

      String metrics = Http.get(service.port(), "/observe/metrics");
      assertThat(metrics)
          .containsPattern("kubeopencode_cleanup_tasks_deleted_total\\{[^}]*namespace=\"" + ns
              + "\"[^}]*rule=\"ttl\"[^}]*} 2\\.0")
          .containsPattern("kubeopencode_cleanup_sweep_duration_seconds_count\\{[^}]*} [1-9]")
          .contains("kubeopencode_cleanup_sweep_duration_seconds_max")
          .containsPattern("kubeopencode_cleanup_backlog\\{[^}]*} 0\\.0")
          .containsPattern("kubeopencode_cleanup_leader\\{[^}]*} 1\\.0");
      Matcher lastSweep = Pattern.compile("kubeopencode_cleanup_last_sweep_timestamp_seconds\\{[^}]*} (\\S+)")
          .matcher(metrics);
      assertThat(lastSweep.find()).as(metrics).isTrue();
      assertThat((long) Double.parseDouble(lastSweep.group(1)))
          .isBetween(deleted.getEpochSecond() - 1, Instant.now().getEpochSecond() + 1);
    } finally {
      service.close();
    }
    assertThat(Http.status(service.port(), "/observe/health/live")).isEqualTo(-1);
    MeterRegistry registry = Services.get(MeterRegistry.class);
    assertThat(registry.meters(m -> m.id().name().startsWith("kubeopencode.cleanup."))).isEmpty();
  }
}
