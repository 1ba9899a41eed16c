package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How runs fail on a real node, each with its named reason: the agent's exit code, a real OOM kill, an image that
 * cannot be pulled (a registry on loopback where nothing listens; never a real registry host), a container the
 * kubelet cannot create, a command that does not exist. The Tasks run side by side.
 */
@Tag("real-node")
class FailuresTest {
  private static E2eCluster node;
  private static String ns;
  private static E2eController controller;

  @BeforeAll
  static void start() {
    node = E2eCluster.get();
    ns = node.namespace("failures");
    controller = E2eController.start(node.client, List.of(ns));
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  @Test
  void eachFailureEndsTheTaskWithItsReason() {
    Map<String, String> values = E2eCluster.values(ns);
    node.create(agent("plain", ""), values);
    node.create(agent("small", """
        podSpec:
          resources:
            limits: {memory: 64Mi}
        """), values);
    node.create(agent("unpullable", "").replace("executorImage: ${agentImage}",
        "executorImage: 127.0.0.1:1/kubeopencode-e2e/missing:1"), values);
    node.create(agent("no-secret", """
        credentials:
          - name: missing
            secretRef: {name: does-not-exist, key: token}
            env: TOKEN
        """), values);
    node.create(agent("no-binary", """
        command: ["/no/such/program"]
        """), values);

    node.create(task("exits-3", "plain", "log: about to fail\nstderr: something broke\nexit: 3", ""), values);
    node.create(task("oom", "small", "log: allocating\nalloc-mib: 256\nlog: never printed", ""), values);
    node.create(task("pull", "unpullable", "log: never runs", ""), values);
    node.create(task("config", "no-secret", "log: never runs", ""), values);
    node.create(task("exec", "no-binary", "log: never runs", ""), values);

    Task exits = node.awaitFinished(ns, "exits-3");
    assertThat(exits.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(E2eCluster.readyReason(exits)).isEqualTo("AgentFailed");
    assertThat(E2eCluster.readyMessage(exits)).contains("exited with code 3");
    assertThat(exits.getStatus().logTail()).contains("about to fail", "test-agent: exit 3");

    Task oom = node.awaitFinished(ns, "oom");
    assertThat(oom.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(E2eCluster.readyReason(oom)).as(E2eCluster.readyMessage(oom)).isEqualTo("OOMKilled");
    assertThat(oom.getStatus().logTail()).contains("allocating").doesNotContain("never printed");

    Task pull = node.awaitFinished(ns, "pull");
    assertThat(pull.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(E2eCluster.readyReason(pull)).as(E2eCluster.readyMessage(pull)).isEqualTo("ImagePullFailed");
    assertThat(E2eCluster.readyMessage(pull)).contains("127.0.0.1:1/kubeopencode-e2e/missing:1");

    Task config = node.awaitFinished(ns, "config");
    assertThat(config.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(E2eCluster.readyReason(config)).as(E2eCluster.readyMessage(config)).isEqualTo("ContainerStartFailed");
    assertThat(E2eCluster.readyMessage(config)).contains("does-not-exist");

    Task exec = node.awaitFinished(ns, "exec");
    assertThat(exec.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(E2eCluster.readyMessage(exec)).as(E2eCluster.readyReason(exec)).contains("/no/such/program");
  }
}
