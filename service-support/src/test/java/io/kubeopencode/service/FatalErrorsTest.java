package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service whose threads die must not go on answering health checks: each case runs in a fresh JVM whose main
 * thread would otherwise keep it alive for a minute.
 */
class FatalErrorsTest {

  /** Installs the handlers, breaks one thread as the argument says, then idles like a service. */
  public static void main(String[] args) throws Exception {
    FatalErrors.install();
    String kind = System.getenv("BREAK");
    Thread thread = switch (kind) {
      case "error-in-any-thread" -> Thread.ofPlatform().name("informer-like").start(() -> {
        throw new StackOverflowError("simulated");
      });
      case "out-of-memory" -> Thread.ofPlatform().name("allocating").start(() -> {
        List<long[]> hog = new java.util.ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      });
      case "exception-in-critical-thread" -> Thread.ofPlatform().name("reconcile-0")
          .uncaughtExceptionHandler(FatalErrors.CRITICAL).start(() -> {
            throw new IllegalStateException("simulated bug");
          });
      case "exception-in-other-thread" -> Thread.ofPlatform().name("helper").start(() -> {
        throw new IllegalStateException("not fatal");
      });
      default -> throw new IllegalArgumentException(kind);
    };
    thread.join();
    System.out.println("still running");
    Thread.sleep(Duration.ofMinutes(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"error-in-any-thread", "out-of-memory", "exception-in-critical-thread"})
  void aThreadThatMustNotDieEndsTheProcess(String kind) {
    try (ChildJvm jvm = ChildJvm.start(FatalErrorsTest.class, Map.of("BREAK", kind), List.of("-Xmx32m"))) {
      assertThat(jvm.awaitExit(Duration.ofSeconds(60))).isEqualTo(FatalErrors.EXIT_CODE);
      assertThat(jvm.stdout()).doesNotContain("still running");
      assertThat(String.join("\n", jvm.stderr())).contains("FATAL: thread");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"exception-in-other-thread"})
  void anExceptionInAnOrdinaryThreadIsOnlyLogged(String kind) {
    try (ChildJvm jvm = ChildJvm.start(FatalErrorsTest.class, Map.of("BREAK", kind), List.of())) {
      assertThat(jvm.awaitLine("still running", Duration.ofSeconds(60))).isEqualTo("still running");
    }
  }
}
