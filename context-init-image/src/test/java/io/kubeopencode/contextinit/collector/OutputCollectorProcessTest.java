package io.kubeopencode.contextinit.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.testing.RoleProcess;
import io.kubeopencode.contextinit.testing.RoleProcess.Result;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.outputs.TaskOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output collector as a real process: it idles like a native sidecar, the test plays the agent (writes the
 * output files), then sends SIGTERM as the kubelet does; the message is decoded with the controller's decoder.
 * Values are trimmed as Go's strings.TrimSpace did in earlier releases; defaults are not.
 */
class OutputCollectorProcessTest {
  private static final Duration START = Duration.ofSeconds(60);
  /** A liveness limit only: how soon the collector is done after SIGTERM is measure.sh's business. */
  private static final Duration AFTER_SIGTERM = Duration.ofSeconds(60);

  @TempDir
  Path tmp;
  Path workspace;
  Path terminationLog;

  @BeforeEach
  void layout() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    terminationLog = tmp.resolve("termination-log");
    Files.writeString(Files.createDirectory(tmp.resolve("secrets")).resolve("token"), "service-account-token");
  }

  private Map<String, String> env(String spec, String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("WORKSPACE_DIR", workspace.toString());
    env.put("OUTPUT_SPEC", spec);
    env.put("TERMINATION_LOG_PATH", terminationLog.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /** Starts the collector, waits until it idles, lets {@code agent} run, then sends SIGTERM. */
  private Result runAround(Map<String, String> env, Agent agent) throws Exception {
    try (RoleProcess collector = RoleProcess.start(tmp.resolve("logs"), env, "output-collector")) {
      collector.awaitOutput("waiting for SIGTERM", START);
      agent.run();
      Thread.sleep(200);
      assertThat(collector.process().isAlive()).as("the sidecar must stay up until SIGTERM").isTrue();
      assertThat(Files.exists(terminationLog)).isFalse();
      collector.process().destroy(); // SIGTERM on Linux
      return collector.awaitExit(AFTER_SIGTERM);
    }
  }

  @FunctionalInterface
  interface Agent {
    void run() throws IOException;
  }

  @Test
  void afterSigtermTheMessageDecodesToExactlyTheOutputs() throws Exception {
    String spec = "{\"parameters\":["
        + "{\"name\":\"pr-url\",\"path\":\"out/pr-url\",\"default\":null},"
        + "{\"name\":\"summary\",\"path\":\"summary.md\",\"default\":\" no summary\\n\"},"
        + "{\"name\":\"unicode\",\"path\":\"u.txt\",\"default\":null},"
        + "{\"name\":\"absent\",\"path\":\"never-written\",\"default\":null},"
        + "{\"name\":\"stolen\",\"path\":\"token-link\",\"default\":\"d\"},"
        + "{\"name\":\"escape\",\"path\":\"../secrets/token\",\"default\":\"d\"}]}";

    Result result = runAround(env(spec), () -> {
      Files.createDirectories(workspace.resolve("out"));
      Files.writeString(workspace.resolve("out/pr-url"), "https://github.com/o/r/pull/7\n");
      Files.writeString(workspace.resolve("u.txt"), "Grüße 🚀 \"quoted\"\ttab", StandardCharsets.UTF_8);
      Files.createSymbolicLink(workspace.resolve("token-link"), tmp.resolve("secrets/token"));
    });

    assertThat(result.exitCode()).as(result.output()).isZero();
    TaskOutputs outputs = OutputsCodec.decode(Files.readString(terminationLog, StandardCharsets.UTF_8));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("pr-url", "https://github.com/o/r/pull/7"); // trimmed, as Go's strings.TrimSpace did upstream
    expected.put("summary", " no summary\n"); // a default is delivered as declared
    expected.put("unicode", "Grüße 🚀 \"quoted\"\ttab");
    assertThat(outputs.parameters()).containsExactlyEntriesOf(expected);
    assertThat(outputs.complete()).isTrue();

    assertThat(result.stdout())
        .contains("output-collector: parameter 'pr-url' (out/pr-url): 30 bytes, 29 after trimming white space\n")
        .contains("output-collector: parameter 'summary' (summary.md): no such file, using its default (12 bytes)")
        .contains("output-collector: parameter 'absent' (never-written): no such file and no default, not reported")
        .contains("output-collector: termination message: ")
        .contains("3 parameters delivered");
    assertThat(result.stderr())
        .contains("output-collector: parameter 'stolen' (token-link): refused, not reported: it leads outside "
            + "the workspace")
        .contains("output-collector: parameter 'escape' (../secrets/token): refused, not reported: path "
            + "'../secrets/token' contains a '..' segment");
    assertThat(result.output()).doesNotContain("github.com/o/r").doesNotContain("Grüße")
        .doesNotContain("service-account-token");
  }

  @Test
  void valuesOverTheBudgetAreDroppedAndNamedTheRestDeliveredExactly() throws Exception {
    Random random = new Random(42);
    byte[] noise = new byte[3000];
    random.nextBytes(noise);
    String incompressible = Base64.getEncoder().encodeToString(noise); // 4000 chars, does not compress to 1 KiB
    String spec = "{\"parameters\":["
        + "{\"name\":\"status\",\"path\":\"status\",\"default\":null},"
        + "{\"name\":\"random\",\"path\":\"random\",\"default\":null},"
        + "{\"name\":\"log\",\"path\":\"log\",\"default\":null},"
        + "{\"name\":\"huge\",\"path\":\"huge\",\"default\":null}]}";
    String log = "INFO all good\n".repeat(2000); // 28 KB, compresses to well under 1 KiB

    Result result = runAround(env(spec, "OUTPUT_MAX_BYTES", "1024"), () -> {
      Files.writeString(workspace.resolve("status"), "ok");
      Files.writeString(workspace.resolve("random"), incompressible);
      Files.writeString(workspace.resolve("log"), log);
      Files.write(workspace.resolve("huge"), new byte[2 * 1024 * 1024]);
    });

    assertThat(result.exitCode()).as(result.output()).isZero();
    String message = Files.readString(terminationLog, StandardCharsets.UTF_8);
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    assertThat(message).startsWith("{\"encoding\":\"gzip+base64\"");
    TaskOutputs outputs = OutputsCodec.decode(message);
    assertThat(outputs.parameters()).containsExactly(Map.entry("status", "ok"), Map.entry("log", log.strip()));
    assertThat(outputs.tooLarge()).containsExactly("random", "huge");
    assertThat(outputs.complete()).isFalse();
    assertThat(result.stdout())
        .contains("parameter 'huge' (huge): 2097152 bytes, more than can ever be delivered")
        .contains("too large and dropped: random, huge");
  }

  @Test
  void theBudgetCountsTrimmedValues() throws Exception {
    String spec = "{\"parameters\":[{\"name\":\"padded\",\"path\":\"padded\",\"default\":null}]}";

    Result result = runAround(env(spec), () -> Files.writeString(workspace.resolve("padded"),
        "\n".repeat(3000) + "  ok \t" + " ".repeat(3000)));

    assertThat(result.exitCode()).as(result.output()).isZero();
    // 6000 bytes untrimmed would not fit 4096 plainly; trimmed, the plain form is written.
    assertThat(Files.readString(terminationLog)).isEqualTo("{\"parameters\":{\"padded\":\"ok\"}}");
  }

  /**
   * The collector is a native sidecar: the kubelet sends it SIGTERM once the agent container has ended, whatever its
   * exit code. Here the agent is a real process that writes its output and fails.
   */
  @Test
  void aFailedAgentStillGetsItsOutputsReported() throws Exception {
    String spec = "{\"parameters\":[{\"name\":\"pr-url\",\"path\":\".outputs/pr-url\",\"default\":null},"
        + "{\"name\":\"error\",\"path\":\".outputs/error\",\"default\":\"none\"}]}";

    Result result = runAround(env(spec), () -> {
      Process agent = new ProcessBuilder("sh", "-c", "mkdir -p .outputs && echo https://x.test/pr/9 > .outputs/pr-url"
          + " && echo 'tests failed' > .outputs/error && exit 3").directory(workspace.toFile()).start();
      assertThat(waitFor(agent)).as("the agent's exit code").isEqualTo(3);
    });

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(OutputsCodec.decode(Files.readString(terminationLog)).parameters())
        .containsExactly(Map.entry("pr-url", "https://x.test/pr/9"), Map.entry("error", "tests failed"));
  }

  /**
   * A Task over its deadline: the pod is deleted and every container gets SIGTERM, the agent still running. The
   * collector reports what the outputs hold at that moment and exits within the grace period.
   */
  @Test
  void killedAtTheDeadlineTogetherWithAStillRunningAgent() throws Exception {
    String spec = "{\"parameters\":[{\"name\":\"progress\",\"path\":\"progress\",\"default\":null},"
        + "{\"name\":\"pr-url\",\"path\":\"pr-url\",\"default\":\"not opened\"}]}";
    try (RoleProcess collector = RoleProcess.start(tmp.resolve("logs"), env(spec), "output-collector")) {
      collector.awaitOutput("waiting for SIGTERM", START);
      Process agent = new ProcessBuilder("sh", "-c", "echo 'step 3 of 5' > progress; exec sleep 600")
          .directory(workspace.toFile()).start();
      try {
        long deadline = System.nanoTime() + START.toNanos();
        while (!Files.exists(workspace.resolve("progress")) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        agent.destroy(); // SIGTERM to every container at once
        collector.process().destroy();
        Result result = collector.awaitExit(AFTER_SIGTERM);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(OutputsCodec.decode(Files.readString(terminationLog)).parameters())
            .containsExactly(Map.entry("progress", "step 3 of 5"), Map.entry("pr-url", "not opened"));
        assertThat(waitFor(agent)).as("the agent died of the signal").isEqualTo(143);
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  private static int waitFor(Process p) {
    try {
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aMalformedSpecIsReportedAtTheEndInsteadOfCrashLooping() throws Exception {
    Result result = runAround(env("{\"parameters\":[{\"name\":\"a\"}]}"), () -> { });

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(Files.readString(terminationLog))
        .isEqualTo("InvalidConfig: OUTPUT_SPEC parameters[0]: path is missing");
    assertThat(result.stderr()).contains("InvalidConfig: OUTPUT_SPEC parameters[0]: path is missing; waiting for "
        + "SIGTERM to report it");
  }

  @Test
  void noDeclaredOutputsGiveAnEmptyMessage() throws Exception {
    Result result = runAround(env(""), () -> { });

    assertThat(result.exitCode()).isZero();
    assertThat(Files.readString(terminationLog)).isEqualTo("{\"parameters\":{}}");
  }
}
