package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownCoordinatorTest {
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @Test
  void runsStepsInReverseOrderEvenWhenOneThrows() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator(Duration.ofSeconds(5))
        .register("web server", () -> ran.add("web server"))
        .register("leader election", () -> {
          ran.add("leader election");
          throw new IllegalStateException("API server unreachable");
        })
        .register("workers", () -> ran.add("workers"))
        .register("intake", () -> ran.add("intake"));

    shutdown.close();

    assertThat(ran).containsExactly("intake", "workers", "leader election", "web server");
  }

  @Test
  void runsOnceAndRefusesLateRegistrations() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator(Duration.ofSeconds(5))
        .register("workers", () -> ran.add("workers"));
    shutdown.close();
    shutdown.close();

    assertThat(ran).containsExactly("workers");
    assertThatThrownBy(() -> shutdown.register("late", () -> ran.add("late")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void abandonsAHangingStepAtTheTimeoutAndStillRunsTheRest() throws InterruptedException {
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ShutdownCoordinator shutdown = new ShutdownCoordinator(Duration.ofSeconds(1))
        .register("web server", () -> ran.add("web server"))
        .register("workers", () -> {
          hanging.countDown();
          release.await(); // never by itself: close() returns only by abandoning this step
          ran.add("workers finished");
        });

    long begin = System.nanoTime();
    try {
      shutdown.close();
      long elapsedMillis = (System.nanoTime() - begin) / 1_000_000;

      assertThat(hanging.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).containsExactly("web server");
      // Not before the hanging step's share of the budget: 1 s minus the web server's reserve (1 s / (2 x 2 steps)).
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(750L);
    } finally {
      release.countDown();
    }
  }

  @Test
  void sigtermRunsTheStepsInReverseOrderAndLogsEachOne() {
    try (ChildJvm child = ChildJvm.start(SigtermMain.class, Map.of(),
        List.of("-Djava.util.logging.manager=" + ShutdownSafeLogManager.class.getName()))) {
      child.awaitLine("ready", Duration.ofSeconds(60));
      child.terminate();
      int exit = child.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isEqualTo(143); // 128 + SIGTERM
      assertThat(child.stdout()).containsExactly("ready", "ran third", "ran second", "ran first");
      assertThat(String.join("\n", child.stderr()))
          .contains("stopped third in")
          .contains("stopping second failed")
          .contains("stopped first in")
          .contains("shutdown complete");
    }
  }

  @Test
  void aSigtermDuringStartUpWaitsForItAndThenStopsEverything(@TempDir Path dir) throws IOException {
    Path go = dir.resolve("go-on");
    try (ChildJvm child = ChildJvm.start(StartingUpMain.class, Map.of("GO_ON_FILE", go.toString()),
        List.of("-Djava.util.logging.manager=" + ShutdownSafeLogManager.class.getName()))) {
      child.awaitLine("hooked", Duration.ofSeconds(60));
      child.terminate();
      // The JVM is shutting down (another hook said so) before start-up registers its steps.
      child.awaitLine("terminating", Duration.ofSeconds(60));
      Files.writeString(go, "");
      int exit = child.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isEqualTo(143);
      assertThat(child.stdout()).containsSubsequence("registered", "ran second", "ran first");
      assertThat(String.join("\n", child.stderr())).contains("shutdown complete");
    }
  }

  /** Installs the hook first, then "starts" until the test creates a file, then registers two steps. */
  public static final class StartingUpMain {
    public static void main(String[] args) throws InterruptedException {
      ShutdownCoordinator shutdown = new ShutdownCoordinator(Duration.ofSeconds(30)).startingUp().installShutdownHook();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("terminating")));
      System.out.println("hooked");
      Path go = Path.of(System.getenv("GO_ON_FILE"));
      while (!Files.exists(go)) {
        Thread.sleep(10);
      }
      shutdown.register("first", () -> System.out.println("ran first"))
          .register("second", () -> System.out.println("ran second"));
      System.out.println("registered");
      shutdown.startupComplete();
      Thread.sleep(60_000);
    }
  }

  /** Registers three steps, the middle one failing, and waits for SIGTERM. */
  public static final class SigtermMain {
    public static void main(String[] args) throws InterruptedException {
      new ShutdownCoordinator(Duration.ofSeconds(5))
          .register("first", () -> System.out.println("ran first"))
          .register("second", () -> {
            System.out.println("ran second");
            throw new IllegalStateException("second step fails");
          })
          .register("third", () -> System.out.println("ran third"))
          .installShutdownHook();
      System.out.println("ready");
      Thread.sleep(60_000);
      System.out.println("not terminated");
    }
  }
}
