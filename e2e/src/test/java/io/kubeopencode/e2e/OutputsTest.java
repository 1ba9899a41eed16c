package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Outputs through the real output collector (a native sidecar) and the container's termination message: small
 * values as they are, values over the 4 KB message compressed, and values that cannot fit dropped by name while the
 * others are kept.
 */
@Tag("real-node")
class OutputsTest {
  private static E2eCluster node;
  private static String ns;
  private static E2eController controller;

  @BeforeAll
  static void start() {
    node = E2eCluster.get();
    ns = node.namespace("outputs");
    controller = E2eController.start(node.client, List.of(ns));
    node.create(agent("writer", ""), values());
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  private static Map<String, String> values() {
    return E2eCluster.values(ns);
  }

  private static String outputs(String... names) {
    StringBuilder yaml = new StringBuilder("outputs:\n  parameters:\n");
    for (String name : names) {
      yaml.append("    - name: ").append(name).append("\n      path: .outputs/").append(name).append('\n');
    }
    return yaml.toString();
  }

  @Test
  void smallCompressibleAndTooLargeOutputs() {
    String compressible = "all work and no play makes a long output. ".repeat(150); // 6,450 bytes
    String random = Base64.getEncoder().encodeToString(randomBytes(6000)); // 8,000 bytes that do not compress
    node.create(task("small", "writer", "write: .outputs/pr-url = https://github.com/o/r/pull/7\n"
        + "write: .outputs/summary =   spaces around are trimmed  ", outputs("pr-url", "summary")), values());
    node.create(task("large", "writer", "write: .outputs/report = " + compressible, outputs("report")), values());
    node.create(task("too-large", "writer", "write: .outputs/random = " + random + "\nwrite: .outputs/note = fits",
        outputs("random", "note")), values());

    Task small = node.awaitFinished(ns, "small");
    assertThat(small.getStatus().phase()).isEqualTo(TaskPhase.Completed);
    assertThat(small.getStatus().outputs().parameters()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "pr-url", "https://github.com/o/r/pull/7", "summary", "spaces around are trimmed"));
    assertThat(E2eCluster.readyReason(small)).isEqualTo("Succeeded");

    Task large = node.awaitFinished(ns, "large");
    assertThat(large.getStatus().phase()).isEqualTo(TaskPhase.Completed);
    assertThat(large.getStatus().outputs().parameters()).containsExactly(Map.entry("report", compressible.strip()));
    assertThat(E2eCluster.readyReason(large)).isEqualTo("Succeeded");

    Task tooLarge = node.awaitFinished(ns, "too-large");
    assertThat(tooLarge.getStatus().phase()).isEqualTo(TaskPhase.Completed);
    assertThat(tooLarge.getStatus().outputs().parameters()).containsExactly(Map.entry("note", "fits"));
    assertThat(E2eCluster.readyReason(tooLarge)).isEqualTo("OutputsTooLarge");
    assertThat(E2eCluster.readyMessage(tooLarge)).contains("random");
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
