package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.Quota;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each way a run can fail is named, on a real API server with kwok. */
@Tag("apiserver")
class FailureReasonsTest {
  private static KubeCluster cluster;
  private static KubernetesClient client;
  private static String ns;
  private static InProcessController controller;

  @BeforeAll
  static void start() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
    TaskLifecycleTest.client = client;
    ns = cluster.createNamespace("reasons");
    controller = new InProcessController(client, List.of(ns));
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  private static void agent(String name, AgentPodSpec podSpec, Quota quota) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null, podSpec, "sa", null, null, quota));
    client.resource(agent).create();
  }

  private static AgentPodSpec outcome(PodOutcome outcome) {
    return AgentPodSpec.of(null, outcome.annotations(), null, null, null);
  }

  private static Task task(String name, String agent, String timeout, List<ContextItem> contexts) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    task.setSpec(new TaskSpec("x", contexts, AgentReference.of(agent), null, null, timeout));
    client.resource(task).create();
    return awaitTask(ns, name, phase(TaskPhase.Failed));
  }

  private static void assertReason(Task failed, String reason, String messageStart) {
    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo(reason);
    assertThat(failed.getStatus().conditions().getFirst().getMessage()).startsWith(messageStart);
  }

  @Test
  void aTaskPastItsTimeoutFailsWithTimeout() {
    agent("slow", outcome(PodOutcome.succeed().hold()), null);

    Task failed = task("slow-task", "slow", "3s", List.of());

    assertReason(failed, "Timeout", "the Task ran longer than its timeout");
    // Never before the timeout (the times have whole seconds); how long after is the controller's speed, not its
    // behaviour: task() waits a minute at most, and without the timer only the caches' five-minute resync would act.
    assertThat(java.time.Duration.between(java.time.Instant.parse(failed.getStatus().startTime()),
        java.time.Instant.parse(failed.getStatus().completionTime()))).isGreaterThanOrEqualTo(
        java.time.Duration.ofSeconds(2));
  }

  @Test
  void thePodCarriesTheTimeoutAsItsActiveDeadlineAndTheControllerEnforcesItToo() {
    agent("slower", outcome(PodOutcome.succeed().hold()), null);

    Task failed;
    try (TaskLifecycleTest.PodWatch watch = TaskLifecycleTest.PodWatch.of(ns, "deadline")) {
      failed = task("deadline", "slower", "4s", List.of());
      assertThat(watch.firstSeen("deadline-pod").getSpec().getActiveDeadlineSeconds())
          .as("the kubelet ends the pod at the timeout even when the controller is down").isEqualTo(4L);
      assertThat(watch.names()).as("a pod stopped for the timeout is not replaced").containsExactly("deadline-pod");
    }

    assertReason(failed, "Timeout", "the Task ran longer than its timeout (4s) and was stopped");
    assertThat(failed.getStatus().podName()).isEqualTo("deadline-pod");
    // kwok does not enforce activeDeadlineSeconds: the controller deleted the pod itself, then let it go.
    client.pods().inNamespace(ns).withName("deadline-pod").waitUntilCondition(p -> p == null, 60,
        java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void anOutOfMemoryAgentIsNamed() {
    agent("hungry", outcome(PodOutcome.exit(137).reason("agent", "OOMKilled")), null);

    assertReason(task("oom", "hungry", null, List.of()), "OOMKilled",
        "container agent was killed for exceeding its memory limit (exit code 137)");
  }

  @Test
  void aFailingGitInitNamesTheContainerAndItsMessage() {
    agent("cloner", outcome(PodOutcome.succeed().failInitContainer("git-init-0", 2, "ref 'v9' not found")), null);

    assertReason(task("clone", "cloner", null, List.of(ContextItem.git("src", "src",
        new GitContext("https://example.test/r.git", "v9", null, null, null, null)))), "ContextError",
        "init container git-init-0 failed with exit code 2: ref 'v9' not found");
  }

  @Test
  void aPodTheApiServerRefusesFailsTheTaskAndGivesItsQuotaStartBack() {
    agent("misconfigured", AgentPodSpec.of(null, null, null, "Not_A_Valid_Name", null), new Quota(1, 3600));

    Task failed = task("refused", "misconfigured", null, List.of());

    assertReason(failed, "PodCreationError", "the pod could not be created:");
    assertThat(client.pods().inNamespace(ns).withName("refused-pod").get()).isNull();
    // The API server's own words: the pod names a RuntimeClass that does not exist.
    assertThat(failed.getStatus().conditions().getFirst().getMessage()).contains("Not_A_Valid_Name");
    Agent agent = client.resources(Agent.class).inNamespace(ns).withName("misconfigured").get();
    assertThat(agent.getStatus() == null ? List.of() : agent.getStatus().taskStartHistory())
        .as("the refused start no longer counts against the quota").isEmpty();
  }
}
