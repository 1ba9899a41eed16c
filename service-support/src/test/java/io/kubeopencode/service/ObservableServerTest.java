package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Timer;
import io.kubeopencode.testsupport.ListeningSockets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObservableServerTest {
  private static Config portZero() {
    return Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1")));
  }

  @Test
  void probesFollowTheirChecksAtRuntime() {
    AtomicBoolean live = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(true);
    AtomicBoolean started = new AtomicBoolean(true);
    try (ObservableServer server = ObservableServer.builder(portZero())
        .liveness("loop", live::get)
        .readiness("informers", ready::get)
        .startup("initialised", started::get)
        .start()) {
      int port = server.port();
      assertThat(port).isPositive();
      assertThat(Http.get(port, "/observe/health/live").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/observe/health/ready").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/observe/health/started").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/observe/health").statusCode()).isEqualTo(200);

      ready.set(false);
      HttpResponse<String> notReady = Http.get(port, "/observe/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("informers").contains("DOWN");
      assertThat(Http.get(port, "/observe/health/live").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/observe/health/started").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/observe/health").statusCode()).isEqualTo(503);

      ready.set(true);
      assertThat(Http.get(port, "/observe/health/ready").statusCode()).isEqualTo(200);

      live.set(false);
      assertThat(Http.get(port, "/observe/health/live").statusCode()).isEqualTo(503);
      assertThat(Http.get(port, "/observe/health/ready").statusCode()).isEqualTo(200);

      started.set(false);
      assertThat(Http.get(port, "/observe/health/started").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void checkMessagesAppearInTheDetailsAndAThrowingCheckIsDown() {
    try (ObservableServer server = ObservableServer.builder(portZero())
        .healthCheck(HealthCheckType.READINESS, "leader-election", () -> CheckResult.down("elector loop stopped"))
        .healthCheck(HealthCheckType.LIVENESS, "broken", () -> {
          throw new IllegalStateException("boom");
        })
        .healthCheck(HealthCheckType.STARTUP, "caches", () -> CheckResult.up("3 informers synced"))
        .start()) {
      HttpResponse<String> ready = Http.get(server.port(), "/observe/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("leader-election").contains("elector loop stopped");

      HttpResponse<String> live = Http.get(server.port(), "/observe/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      assertThat(live.body()).contains("broken").contains("boom");

      HttpResponse<String> started = Http.get(server.port(), "/observe/health/started");
      assertThat(started.statusCode()).isEqualTo(200);
      assertThat(started.body()).contains("3 informers synced");
    }
  }

  @Test
  void metersRegisteredByTheCallerAppearInPrometheusText() {
    try (ObservableServer server = ObservableServer.builder(portZero()).start()) {
      Counter reconciles = server.meterRegistry().getOrCreate(Counter.builder("kubeopencode.test.reconciles"));
      reconciles.increment();
      reconciles.increment(2);
      AtomicInteger queue = new AtomicInteger(7);
      server.meterRegistry().getOrCreate(Gauge.builder("kubeopencode.test.queue", queue::get));
      Timer timer = server.meterRegistry().getOrCreate(Timer.builder("kubeopencode.test.reconcile.duration"));
      timer.record(Duration.ofMillis(40));

      HttpResponse<String> metrics = Http.get(server.port(), "/observe/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body())
          .containsPattern("(?m)^kubeopencode_test_reconciles_total\\{[^}]*} 3\\.0$")
          .containsPattern("(?m)^kubeopencode_test_queue\\{[^}]*} 7\\.0$")
          .containsPattern("(?m)^kubeopencode_test_reconcile_duration_seconds_count\\{[^}]*} 1\\.0$");
    }
  }

  @Test
  void servesTheCallersRoutesAndStopsOnClose() {
    ObservableServer server = ObservableServer.builder(portZero())
        .routing(routing -> routing.get("/hello", (request, response) -> response.send("hi")))
        .start();
    int port = server.port();
    assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
        .as("server.host=127.0.0.1 binds loopback only").anyMatch(l -> l.port() == port);
    HttpResponse<String> hello = Http.get(port, "/hello");
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).isEqualTo("hi");
    assertThat(Http.get(port, "/nothing-here").statusCode()).isEqualTo(404);

    server.close();
    assertThat(server.isRunning()).isFalse();
  }
}
