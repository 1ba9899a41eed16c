package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Measures, in a fresh JVM, how long it takes from {@code start()} until {@code /observe/health/ready} answers, and
 * prints the figures. Fails only when start-up is far off (20 s): shared build machines vary a lot.
 */
class StartupTimeTest {
  @Test
  void readyEndpointAnswersSoonAfterStart() {
    try (ChildJvm child = ChildJvm.start(StartupMain.class, Map.of(), List.of())) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).isZero();
      String coldLine = child.awaitLine("cold ", Duration.ofSeconds(1));
      String warmLine = child.awaitLine("warm ", Duration.ofSeconds(1));
      System.out.println("start-up, fresh JVM: " + coldLine);
      System.out.println("start-up, second server in the same JVM: " + warmLine);
      long coldMillis = Long.parseLong(coldLine.replaceAll(".*start-to-ready-ms=(\\d+).*", "$1"));
      assertThat(coldMillis).isLessThan(20_000);
    }
  }

  /** Starts a server twice (cold, then warm) and prints the times as {@code key=value} pairs. */
  public static final class StartupMain {
    public static void main(String[] args) {
      long mainEntered = System.nanoTime();
      long jvmUptimeAtMain = ManagementFactory.getRuntimeMXBean().getUptime();
      warmUpHttpClient(); // so the figures are the server's, not the measuring client's class loading
      System.out.println("cold " + measure() + " jvm-uptime-at-main-ms=" + jvmUptimeAtMain
          + " main-to-ready-ms=" + (System.nanoTime() - mainEntered) / 1_000_000);
      System.out.println("warm " + measure());
    }

    private static void warmUpHttpClient() {
      try {
        Http.get(1, "/");
      } catch (RuntimeException connectionRefused) {
        // expected: nothing listens on port 1
      }
    }

    private static String measure() {
      Config config = Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1")));
      long begin = System.nanoTime();
      try (ObservableServer server = ObservableServer.builder(config).readiness("always", () -> true).start()) {
        long started = System.nanoTime();
        Await.until("ready", Duration.ofSeconds(30),
            () -> Http.get(server.port(), "/observe/health/ready").statusCode() == 200);
        long ready = System.nanoTime();
        return "start-call-ms=" + (started - begin) / 1_000_000 + " start-to-ready-ms=" + (ready - begin) / 1_000_000;
      }
    }
  }
}
