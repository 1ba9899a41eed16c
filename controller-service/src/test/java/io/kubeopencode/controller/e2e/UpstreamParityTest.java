package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfigSpec;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.PullPolicy;
import io.kubeopencode.api.v1alpha1.SystemImage;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What users of earlier KubeOpenCode releases rely on, seen through the API on a real API server (garbage
 * collector, kwok nodes): the default Agent, cross-namespace contexts and system images, podName while running, the Queued
 * condition, outputs of a failed run, containers that cannot start, and agent pods under the restricted Pod Security
 * Standard.
 */
@Tag("apiserver")
class UpstreamParityTest {
  private static KubernetesClient client;
  private static String ns;
  private static String agents;
  private static String team;
  private static String restricted;
  private static InProcessController controller;

  @BeforeAll
  static void start() {
    KubeCluster cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
    TaskLifecycleTest.client = client;
    ns = cluster.createNamespace("parity");
    agents = cluster.createNamespace("parity-agents");
    team = cluster.createNamespace("parity-team");
    restricted = cluster.createNamespace("parity-restricted");
    client.namespaces().withName(restricted).edit(n -> new NamespaceBuilder(n).editMetadata()
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
    // Before the controller starts, so that its first look at the Tasks already sees them.
    config(agents, "example.test/system:agents");
    config(team, "example.test/system:team");
    controller = new InProcessController(client, List.of(ns, agents, team, restricted));
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  private static Agent agent(String namespace, String name, AgentPodSpec podSpec, Integer maxConcurrent,
      List<ContextItem> contexts) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, contexts, null, null, podSpec, "sa", null,
        maxConcurrent, null));
    return client.resource(agent).create();
  }

  private static AgentPodSpec outcome(PodOutcome outcome) {
    return AgentPodSpec.of(null, outcome.annotations(), null, null, null);
  }

  private static Task task(String namespace, String name, AgentReference agent, List<OutputParameter> outputs) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    task.setSpec(new TaskSpec("Do it.", null, agent, null, outputs.isEmpty() ? null : new Outputs(outputs), null));
    return client.resource(task).create();
  }

  private static Condition condition(Task task, String type) {
    return task.getStatus().conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aTaskThatNamesNoAgentRunsWithTheAgentNamedDefault() {
    agent(ns, "default", outcome(PodOutcome.succeed()), null, null);

    task(ns, "quick-start", null, List.of());

    Task done = awaitTask(ns, "quick-start", phase(TaskPhase.Completed));
    assertThat(client.pods().inNamespace(ns).withName("quick-start-pod").get().getMetadata().getLabels())
        .containsEntry("kubeopencode.io/agent", "default");
    assertThat(condition(done, "Queued").getReason()).isEqualTo("NoLimits");
    assertThat(condition(done, "Queued").getStatus()).isEqualTo("False");
  }

  @Test
  void theAgentsContextsAndSystemImagesComeFromTheAgentsNamespace() {
    client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(agents).withName("instructions")
        .endMetadata().addToData("review.md", "Review it.").addToData("common.md", "Be kind.").build()).create();
    agent(agents, "bot", outcome(PodOutcome.succeed().hold()), null, List.of(ContextItem.configMap("rules", null,
        new ConfigMapContext("instructions", null, null))));

    task(team, "review", new AgentReference("bot", agents), List.of());

    awaitTask(team, "review", phase(TaskPhase.Running));
    String run = team + "-review";
    assertThat(client.configMaps().inNamespace(agents).withName(run + "-context").get().getData().get("context.md"))
        .isEqualTo("""
            <context name="rules" namespace="%s" type="ConfigMap">
            <file name="common.md">
            Be kind.
            </file>
            <file name="review.md">
            Review it.
            </file>
            </context>
            """.formatted(agents));
    Pod created = client.pods().inNamespace(agents).withName(run + "-pod").get();
    assertThat(created.getSpec().getInitContainers())
        .filteredOn(c -> c.getName().equals("context-init")).singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("example.test/system:agents"));
    client.resources(Task.class).inNamespace(team).withName("review").delete();
  }

  @Test
  void podNameIsSetWhileRunningAndQueuedTurnsFalseOnAdmission() {
    agent(ns, "one-at-a-time", outcome(PodOutcome.succeed().hold()), 1, null);
    task(ns, "first", AgentReference.of("one-at-a-time"), List.of());
    Task running = awaitTask(ns, "first", t -> t.getStatus() != null && t.getStatus().podName() != null);
    task(ns, "second", AgentReference.of("one-at-a-time"), List.of());
    Task queued = awaitTask(ns, "second", phase(TaskPhase.Queued));

    List<Pod> pods = TaskLifecycleTest.podsOf(ns, "first");
    assertThat(running.getStatus().phase()).isEqualTo(TaskPhase.Running);
    assertThat(running.getStatus().podName()).isEqualTo("first-pod");
    assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly(running.getStatus().podName());
    assertThat(pods.getFirst().getMetadata().getLabels()).containsEntry("app", "kubeopencode");
    assertThat(client.configMaps().inNamespace(ns).withName("first-context").get().getMetadata().getLabels())
        .containsEntry("app", "kubeopencode");
    assertThat(condition(queued, "Queued").getStatus()).isEqualTo("True");

    TaskLifecycleTest.release(client, ns, running.getStatus().podName());

    Task admitted = awaitTask(ns, "second", t -> t.getStatus() != null && t.getStatus().phase() == TaskPhase.Running
        && t.getStatus().podName() != null);
    assertThat(condition(admitted, "Queued").getStatus()).isEqualTo("False");
    assertThat(condition(admitted, "Queued").getReason()).isEqualTo("CapacityAvailable");
    client.resources(Task.class).inNamespace(ns).withName("second").delete();
  }

  @Test
  void aContainerThatCannotStartFailsTheTaskWithTheKubeletsReason() {
    agent(ns, "runs-as-root", outcome(PodOutcome.succeed().cannotStart("agent", "CreateContainerConfigError",
        "container has runAsNonRoot and image will run as root")), null, null);

    task(ns, "refused", AgentReference.of("runs-as-root"), List.of());

    Task failed = awaitTask(ns, "refused", phase(TaskPhase.Failed));
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("ContainerStartFailed");
    assertThat(condition(failed, "Ready").getMessage()).startsWith("container agent cannot start:"
        + " CreateContainerConfigError: container has runAsNonRoot and image will run as root (for ");
    assertThat(failed.getStatus().podName()).isEqualTo("refused-pod");
    // The pod is deleted instead of left to the kubelet's retries.
    client.pods().inNamespace(ns).withName("refused-pod").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
  }

  @Test
  void aFailedRunReturnsTheOutputsItWrote() {
    agent(ns, "half-done", outcome(PodOutcome.exit(1).message("output-collector",
        OutputsCodec.encode(Map.of("summary", "two of three fixed")))), null, null);

    task(ns, "partial", AgentReference.of("half-done"), List.of(new OutputParameter("summary", ".outputs/summary",
        null)));

    Task failed = awaitTask(ns, "partial", phase(TaskPhase.Failed));
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("AgentFailed");
    assertThat(failed.getStatus().outputs().parameters()).containsExactly(Map.entry("summary", "two of three fixed"));
  }

  @Test
  void anAgentWithANonRootUserRunsUnderTheRestrictedPodSecurityStandard() {
    AgentPodSpec secured = new AgentPodSpec(null, PodOutcome.succeed().annotations(), null, null, null,
        new PodSecurityContextBuilder().withRunAsNonRoot(true).withFsGroup(1000L).build(),
        new SecurityContextBuilder().withRunAsUser(1000L).build(), null, PullPolicy.IfNotPresent, null, null, null,
        null, null);
    agent(restricted, "secured", secured, null, null);

    task(restricted, "safe", AgentReference.of("secured"), List.of(new OutputParameter("o", "o", "none")));

    Task done = awaitTask(restricted, "safe", phase(TaskPhase.Completed));
    assertThat(done.getStatus().podName()).isEqualTo("safe-pod");
    Pod asRoot = new io.fabric8.kubernetes.api.model.PodBuilder(client.pods().inNamespace(restricted)
        .withName(done.getStatus().podName()).get()).editMetadata().withName("as-root").withResourceVersion(null)
        .withOwnerReferences().endMetadata().editSpec().withSecurityContext(null).endSpec().withStatus(null).build();
    assertThatThrownBy(() -> client.pods().inNamespace(restricted).resource(asRoot).dryRun().create())
        .as("the namespace really enforces the standard").hasMessageContaining("violates PodSecurity");
  }

  @Test
  void aUrlTimeoutInSecondsAsEarlierReleasesWroteItIsAccepted() {
    agent(ns, "fetcher", outcome(PodOutcome.succeed()), null, null);
    GenericKubernetesResource raw = client.getKubernetesSerialization().unmarshal("""
        apiVersion: kubeopencode.io/v1alpha1
        kind: Task
        metadata: {name: fetch, namespace: %s}
        spec:
          agentRef: {name: fetcher}
          contexts:
          - type: URL
            mountPath: api.json
            url: {source: "https://example.test/api.json", timeout: 45}
        """.formatted(ns), GenericKubernetesResource.class);
    client.resource(raw).create();

    awaitTask(ns, "fetch", phase(TaskPhase.Completed));
    Pod pod = client.pods().inNamespace(ns).withName("fetch-pod").get();
    assertThat(pod.getSpec().getInitContainers()).filteredOn(c -> c.getName()
        .equals("context-init")).singleElement().satisfies(c -> assertThat(c.getEnv())
            .anySatisfy(e -> assertThat(e.getValue()).contains("\"timeoutSeconds\":45")));
  }

  private static void config(String namespace, String image) {
    KubeOpenCodeConfig config = new KubeOpenCodeConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName("default").build());
    config.setSpec(new KubeOpenCodeConfigSpec(new SystemImage(image, PullPolicy.IfNotPresent), null));
    client.resource(config).create();
    client.resources(KubeOpenCodeConfig.class).inNamespace(namespace).withName("default")
        .waitUntilCondition(c -> c != null, 30, TimeUnit.SECONDS);
  }
}
