package io.kubeopencode.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole Task lifecycle on a real API server with the Job controller, the garbage collector and kwok: Tasks
 * become Jobs, run, and end Completed (with outputs) or Failed (with the reason).
 */
class TaskLifecycleTest {
  private static KubeCluster cluster;
  static KubernetesClient client;
  private static String ns;
  private static InProcessController controller;

  @BeforeAll
  static void start() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
    ns = cluster.createNamespace("lifecycle");
    controller = new InProcessController(client, List.of(ns));
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  static Agent agent(String namespace, String name, PodOutcome outcome) {
    Agent agent = new Agent();
    agent.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace)
        .withName(name).build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
        AgentPodSpec.of(null, outcome.annotations(), null, null, null), "agent-sa", null, null, null));
    return client.resource(agent).create();
  }

  static Task task(String namespace, String name, String agent, List<ContextItem> contexts,
      List<OutputParameter> outputs) {
    Task task = new Task();
    task.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .build());
    task.setSpec(new TaskSpec("Do the work.", contexts, AgentReference.of(agent), null,
        outputs.isEmpty() ? null : new Outputs(outputs), null));
    return client.resource(task).create();
  }

  static Task awaitTask(String namespace, String name, Predicate<Task> condition) {
    return client.resources(Task.class).inNamespace(namespace).withName(name)
        .waitUntilCondition(t -> t != null && condition.test(t), 60, TimeUnit.SECONDS);
  }

  static Predicate<Task> phase(TaskPhase phase) {
    return t -> t.getStatus() != null && t.getStatus().phase() == phase;
  }

  @Test
  void taskWithTextConfigMapAndGitContextsAndTwoOutputsCompletesWithItsOutputs() {
    client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName("guidelines").endMetadata()
        .addToData("style.md", "Use tabs.").build()).create();
    agent(ns, "ok-agent", PodOutcome.succeed().message("output-collector",
        OutputsCodec.encode(Map.of("pr-url", "https://example.test/pr/42", "summary", "Fixed the flaky test."))));
    task(ns, "happy", "ok-agent", List.of(
        ContextItem.text("notes", "notes.md", "Focus on the parser."),
        ContextItem.configMap("style", "style.md", new ConfigMapContext("guidelines", "style.md", null)),
        ContextItem.git("repo", "src", new GitContext("https://example.test/org/app.git", "main", null, null, null,
            null))),
        List.of(new OutputParameter("pr-url", ".outputs/pr-url", null),
            new OutputParameter("summary", ".outputs/summary", "none")));

    Task done = awaitTask(ns, "happy", phase(TaskPhase.Completed));

    assertThat(done.getStatus().outputs().parameters()).isEqualTo(Map.of("pr-url", "https://example.test/pr/42",
        "summary", "Fixed the flaky test."));
    assertThat(done.getStatus().jobName()).isEqualTo("happy");
    assertThat(done.getStatus().podName()).startsWith("happy-");
    assertThat(done.getStatus().startTime()).isNotNull();
    assertThat(done.getStatus().completionTime()).isNotNull();
    assertThat(done.getStatus().conditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
        .satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Succeeded");
    });

    Job job = client.batch().v1().jobs().inNamespace(ns).withName("happy").get();
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("opencode-init", "context-init", "git-init-0", "output-collector");
    ConfigMap context = client.configMaps().inNamespace(ns).withName("happy-context").get();
    assertThat(context.getData()).containsEntry("file-0", "Focus on the parser.").containsEntry("file-1",
        "Use tabs.").containsEntry("task.md", "Do the work.");
    assertThat(context.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(done.getMetadata().getUid()));
    assertThat(eventsOf("happy", "Completed")).extracting(Event::getReason).containsExactlyInAnyOrder("Started", "Completed");
  }

  @Test
  void aFailingAgentFailsTheTaskWithTheExitCode() {
    agent(ns, "bad-agent", PodOutcome.exit(3).message("agent", "2 tests still fail"));
    task(ns, "sad", "bad-agent", List.of(), List.of());

    Task failed = awaitTask(ns, "sad", phase(TaskPhase.Failed));

    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("AgentFailed");
    assertThat(failed.getStatus().conditions().getFirst().getMessage())
        .isEqualTo("container agent exited with code 3: 2 tests still fail");
    assertThat(eventsOf("sad", "AgentFailed")).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("AgentFailed");
    });
  }

  @Test
  void aMissingAgentFailsTheTask() {
    task(ns, "orphan", "no-such-agent", List.of(), List.of());

    Task failed = awaitTask(ns, "orphan", phase(TaskPhase.Failed));

    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("AgentNotFound");
    assertThat(failed.getStatus().conditions().getFirst().getMessage())
        .isEqualTo("Agent " + ns + "/no-such-agent not found");
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("orphan").get()).isNull();
  }

  @Test
  void deletingTheTaskGarbageCollectsJobPodsAndConfigMap() {
    agent(ns, "held-agent", PodOutcome.succeed().hold());
    task(ns, "doomed", "held-agent", List.of(ContextItem.text("n", "n.md", "x")), List.of());
    awaitTask(ns, "doomed", phase(TaskPhase.Running));
    client.pods().inNamespace(ns).withLabel("job-name", "doomed").waitUntilCondition(
        p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

    client.resources(Task.class).inNamespace(ns).withName("doomed").delete();

    client.batch().v1().jobs().inNamespace(ns).withName("doomed").waitUntilCondition(j -> j == null, 60,
        TimeUnit.SECONDS);
    client.configMaps().inNamespace(ns).withName("doomed-context").waitUntilCondition(c -> c == null, 60,
        TimeUnit.SECONDS);
    client.pods().inNamespace(ns).withLabel("job-name", "doomed").informOnCondition(List::isEmpty)
        .orTimeout(60, TimeUnit.SECONDS).join();
  }

  @Test
  void aJobDeletedUnderARunningTaskFailsIt() {
    agent(ns, "held-agent-2", PodOutcome.succeed().hold());
    task(ns, "pulled", "held-agent-2", List.of(), List.of());
    awaitTask(ns, "pulled", phase(TaskPhase.Running));
    client.batch().v1().jobs().inNamespace(ns).withName("pulled").waitUntilCondition(j -> j != null, 60,
        TimeUnit.SECONDS);

    client.batch().v1().jobs().inNamespace(ns).withName("pulled")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();

    Task failed = awaitTask(ns, "pulled", phase(TaskPhase.Failed));
    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("JobDeleted");
    assertThat(failed.getStatus().conditions().getFirst().getMessage())
        .isEqualTo("Job " + ns + "/pulled was deleted while the Task was running");
  }

  @Test
  void anEvictedPodIsReplacedAndTheTaskStaysRunning() {
    agent(ns, "held-agent-3", PodOutcome.succeed().hold());
    task(ns, "evicted", "held-agent-3", List.of(), List.of());
    awaitTask(ns, "evicted", phase(TaskPhase.Running));
    Pod first = client.pods().inNamespace(ns).withLabel("job-name", "evicted").waitUntilCondition(
        p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

    // What an eviction or preemption leaves: the pod failed with condition DisruptionTarget.
    client.pods().inNamespace(ns).withName(first.getMetadata().getName()).editStatus(p -> {
      p.getStatus().setPhase("Failed");
      p.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
          .withType("DisruptionTarget").withStatus("True").withReason("EvictionByEvictionAPI")
          .withMessage("Eviction API: evicting").withLastTransitionTime(java.time.Instant.now().toString()).build());
      return p;
    });

    client.pods().inNamespace(ns).withLabel("job-name", "evicted").informOnCondition(pods -> pods.stream()
        .anyMatch(p -> !p.getMetadata().getName().equals(first.getMetadata().getName())
            && "Running".equals(p.getStatus().getPhase()))).orTimeout(60, TimeUnit.SECONDS).join();
    assertThat(client.resources(Task.class).inNamespace(ns).withName("evicted").get().getStatus().phase())
        .isEqualTo(TaskPhase.Running);
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("evicted").get().getStatus().getFailed())
        .as("a disruption does not count as a failure").isIn(null, 0);
  }

  @Test
  void anImageThatCannotBePulledFailsTheTaskInsteadOfHanging() {
    agent(ns, "broken-image", PodOutcome.succeed().imagePullError("agent"));
    task(ns, "pull", "broken-image", List.of(), List.of());

    Task failed = awaitTask(ns, "pull", phase(TaskPhase.Failed));

    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("ImagePullFailed");
    assertThat(failed.getStatus().conditions().getFirst().getMessage())
        .startsWith("image example.test/devbox:1 of container agent could not be pulled: ErrImagePull");
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("pull").get().getSpec().getSuspend()).isTrue();
  }

  /** The Task's events once they include {@code reason} (an event follows its status write). */
  private static List<Event> eventsOf(String task, String reason) {
    Predicate<Event> ofTask = e -> "Task".equals(e.getInvolvedObject().getKind())
        && task.equals(e.getInvolvedObject().getName());
    return client.v1().events().inNamespace(ns)
        .informOnCondition(events -> events.stream().anyMatch(e -> ofTask.test(e) && reason.equals(e.getReason())))
        .orTimeout(60, TimeUnit.SECONDS).join().stream().filter(ofTask).toList();
  }

  static List<Pod> podsOf(String namespace, String job) {
    return client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
  }
}
