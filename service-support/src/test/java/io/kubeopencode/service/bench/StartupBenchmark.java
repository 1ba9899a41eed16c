package io.kubeopencode.service.bench;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kubeopencode.service.ObservableServer;
import io.kubeopencode.testsupport.Await;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * How long a service's web server takes from {@code start()} until {@code /observe/health/ready} answers: first in
 * this fresh JVM (cold), then a second server in the same JVM (warm). Prints the figures as {@code key=value}
 * pairs. Run with hack/bench-service-startup.sh (one fresh JVM per run); not part of the test suite.
 */
public final class StartupBenchmark {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private StartupBenchmark() {}

  public static void main(String[] args) {
    long mainEntered = System.nanoTime();
    long jvmUptimeAtMain = ManagementFactory.getRuntimeMXBean().getUptime();
    status(1); // loads the HTTP client's classes, so the figures are the server's: nothing listens on port 1
    System.out.println("cold " + measure() + " jvm-uptime-at-main-ms=" + jvmUptimeAtMain
        + " main-to-ready-ms=" + (System.nanoTime() - mainEntered) / 1_000_000);
    System.out.println("warm " + measure());
  }

  private static String measure() {
    Config config = Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1")));
    long begin = System.nanoTime();
    try (ObservableServer server = ObservableServer.builder(config).readiness("always", () -> true).start()) {
      long started = System.nanoTime();
      Await.until("ready", () -> status(server.port()) == 200);
      long ready = System.nanoTime();
      return "start-call-ms=" + (started - begin) / 1_000_000 + " start-to-ready-ms=" + (ready - begin) / 1_000_000;
    }
  }

  private static int status(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
