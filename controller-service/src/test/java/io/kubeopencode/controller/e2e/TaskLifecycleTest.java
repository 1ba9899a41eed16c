package io.kubeopencode.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole Task lifecycle on a real API server with the garbage collector and kwok: Tasks become pods, run, and end
 * Completed (with outputs) or Failed (with the reason); a pod lost to a disruption is replaced.
 */
@Tag("apiserver")
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
    assertThat(done.getStatus().jobName()).as("a Task runs as a bare pod, no Job").isNull();
    assertThat(done.getStatus().podName()).isEqualTo("happy-pod");
    assertThat(done.getStatus().startTime()).isNotNull();
    assertThat(done.getStatus().completionTime()).isNotNull();
    assertThat(done.getStatus().conditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
        .satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Succeeded");
    });

    Pod pod = client.pods().inNamespace(ns).withName("happy-pod").get();
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("opencode-init", "context-init", "git-init-0", "output-collector");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "kubeopencode")
        .containsEntry("app.kubernetes.io/managed-by", "kubeopencode").containsEntry("kubeopencode.io/task", "happy")
        .containsEntry("kubeopencode.io/agent", "ok-agent").doesNotContainKey("job-name");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("kubeopencode.io/task", ns + "/happy");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(done.getMetadata().getUid()));
    assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).as("no Job").isEmpty();
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
    assertThat(client.pods().inNamespace(ns).withName("orphan-pod").get()).isNull();
    assertThat(podsOf(ns, "orphan")).isEmpty();
  }

  @Test
  void deletingTheTaskGarbageCollectsItsPodAndConfigMap() {
    agent(ns, "held-agent", PodOutcome.succeed().hold());
    task(ns, "doomed", "held-agent", List.of(ContextItem.text("n", "n.md", "x")), List.of());
    awaitTask(ns, "doomed", phase(TaskPhase.Running));
    awaitRunning(ns, "doomed-pod");

    client.resources(Task.class).inNamespace(ns).withName("doomed").delete();

    client.pods().inNamespace(ns).withName("doomed-pod").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
    client.configMaps().inNamespace(ns).withName("doomed-context").waitUntilCondition(c -> c == null, 60,
        TimeUnit.SECONDS);
    client.pods().inNamespace(ns).withLabel("kubeopencode.io/task", "doomed").informOnCondition(List::isEmpty)
        .orTimeout(60, TimeUnit.SECONDS).join();
  }

  @Test
  void aPodDeletedUnderARunningTaskIsReplacedAndTheTaskCompletes() {
    agent(ns, "held-agent-2", PodOutcome.succeed().hold());
    task(ns, "pulled", "held-agent-2", List.of(), List.of());
    awaitTask(ns, "pulled", phase(TaskPhase.Running));
    Pod first = awaitRunning(ns, "pulled-pod");
    try (PodWatch watch = PodWatch.of(ns, "pulled")) {
      // What `kubectl delete pod` does: a graceful deletion by someone other than the controller.
      client.pods().inNamespace(ns).withName("pulled-pod").delete();

      Pod second = awaitRunning(ns, "pulled-pod-1");
      Task running = awaitTask(ns, "pulled", t -> "pulled-pod-1".equals(t.getStatus().podName()));
      assertThat(running.getStatus().phase()).isEqualTo(TaskPhase.Running);
      assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
      assertThat(second.getMetadata().getLabels()).containsEntry("kubeopencode.io/task", "pulled");
      assertThat(eventsOf("pulled", "PodLost")).filteredOn(e -> e.getReason().equals("PodLost")).singleElement()
          .satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).startsWith("pod pulled-pod was lost").endsWith("created pod pulled-pod-1 to run"
                + " the Task again");
          });

      release(ns, "pulled-pod-1");

      Task done = awaitTask(ns, "pulled", phase(TaskPhase.Completed));
      assertThat(done.getStatus().podName()).isEqualTo("pulled-pod-1");
      assertThat(done.getStatus().conditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
          .satisfies(c -> assertThat(c.getReason()).isEqualTo("Succeeded"));
      assertThat(watch.maxAlive()).as("never two pods of the Task at once").isEqualTo(1);
      assertThat(watch.names()).containsExactlyInAnyOrder("pulled-pod", "pulled-pod-1");
    }
  }

  @Test
  void anEvictedPodIsReplacedAndTheTaskStaysRunning() {
    agent(ns, "held-agent-3", PodOutcome.succeed().hold());
    task(ns, "evicted", "held-agent-3", List.of(), List.of());
    awaitTask(ns, "evicted", phase(TaskPhase.Running));
    awaitRunning(ns, "evicted-pod");
    try (PodWatch watch = PodWatch.of(ns, "evicted")) {
      // What an eviction or preemption leaves: the pod failed with condition DisruptionTarget.
      client.pods().inNamespace(ns).withName("evicted-pod").editStatus(p -> {
        p.getStatus().setPhase("Failed");
        p.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
            .withType("DisruptionTarget").withStatus("True").withReason("EvictionByEvictionAPI")
            .withMessage("Eviction API: evicting").withLastTransitionTime(java.time.Instant.now().toString()).build());
        return p;
      });

      awaitRunning(ns, "evicted-pod-1");
      Task running = awaitTask(ns, "evicted", t -> "evicted-pod-1".equals(t.getStatus().podName()));
      assertThat(running.getStatus().phase()).as("a disruption does not fail the Task").isEqualTo(TaskPhase.Running);
      assertThat(client.pods().inNamespace(ns).withName("evicted-pod").get().getStatus().getPhase())
          .as("the evicted pod stays, terminal").isEqualTo("Failed");
      assertThat(eventsOf("evicted", "PodLost")).filteredOn(e -> e.getReason().equals("PodLost")).singleElement()
          .satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).isEqualTo("pod evicted-pod was lost: EvictionByEvictionAPI: Eviction API:"
                + " evicting; created pod evicted-pod-1 to run the Task again");
          });
      assertThat(watch.maxAlive()).as("never two pods of the Task at once").isEqualTo(1);
      assertThat(watch.names()).containsExactlyInAnyOrder("evicted-pod", "evicted-pod-1");
    }
  }

  @Test
  void anImageThatCannotBePulledFailsTheTaskInsteadOfHanging() {
    agent(ns, "broken-image", PodOutcome.succeed().imagePullError("agent"));
    task(ns, "pull", "broken-image", List.of(), List.of());

    Task failed = awaitTask(ns, "pull", phase(TaskPhase.Failed));

    assertThat(failed.getStatus().conditions().getFirst().getReason()).isEqualTo("ImagePullFailed");
    assertThat(failed.getStatus().conditions().getFirst().getMessage())
        .startsWith("image example.test/devbox:1 of container agent could not be pulled: ErrImagePull");
    assertThat(failed.getStatus().podName()).isEqualTo("pull-pod");
    client.pods().inNamespace(ns).withName("pull-pod").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
  }

  /** The Task's events once they include {@code reason} (an event follows its status write). */
  private static List<Event> eventsOf(String task, String reason) {
    Predicate<Event> ofTask = e -> "Task".equals(e.getInvolvedObject().getKind())
        && task.equals(e.getInvolvedObject().getName());
    return client.v1().events().inNamespace(ns)
        .informOnCondition(events -> events.stream().anyMatch(e -> ofTask.test(e) && reason.equals(e.getReason())))
        .orTimeout(60, TimeUnit.SECONDS).join().stream().filter(ofTask).toList();
  }

  /** The pods of a Task of {@code namespace} that runs there. */
  static List<Pod> podsOf(String namespace, String task) {
    return client.pods().inNamespace(namespace).withLabel("kubeopencode.io/task", task).list().getItems();
  }

  /** The pod once kwok runs it. */
  static Pod awaitRunning(String namespace, String pod) {
    return client.pods().inNamespace(namespace).withName(pod).waitUntilCondition(
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
  }

  /**
   * Lets a held pod finish. A merge patch, which carries no resourceVersion: kwok and the controller may be writing
   * the pod at the same moment.
   */
  static void release(KubernetesClient client, String namespace, String pod) {
    client.pods().inNamespace(namespace).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + PodOutcome.PREFIX + "hold\":null}}}");
  }

  static void release(String namespace, String pod) {
    release(client, namespace, pod);
  }

  /**
   * Watches the pods of a Task, in the order the API server changed them: every name seen, and the most that were
   * alive at once (neither Succeeded nor Failed, whether being deleted or not: their containers may still run).
   */
  static final class PodWatch implements AutoCloseable {
    private final Map<String, Pod> pods = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Pod> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger maxAlive = new java.util.concurrent.atomic.AtomicInteger();
    private final io.fabric8.kubernetes.client.informers.SharedIndexInformer<Pod> informer;

    private PodWatch(String namespace, String task) {
      informer = client.pods().inNamespace(namespace).withLabel("kubeopencode.io/task", task).inform(
          new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
              seen(pod, false);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
              seen(pod, false);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
              seen(pod, true);
            }
          });
    }

    static PodWatch of(String namespace, String task) {
      return new PodWatch(namespace, task);
    }

    private synchronized void seen(Pod pod, boolean gone) {
      names.add(pod.getMetadata().getName());
      firstSeen.putIfAbsent(pod.getMetadata().getName(), pod);
      if (gone) {
        pods.remove(pod.getMetadata().getName());
      } else {
        pods.put(pod.getMetadata().getName(), pod);
      }
      long alive = pods.values().stream().filter(p -> p.getStatus() == null
          || !java.util.Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase())).count();
      maxAlive.accumulateAndGet((int) alive, Math::max);
    }

    synchronized int maxAlive() {
      return maxAlive.get();
    }

    /** The pod as it was first seen (as created, or as listed when the watch began). */
    Pod firstSeen(String name) {
      return firstSeen.get(name);
    }

    java.util.Set<String> names() {
      return java.util.Set.copyOf(names);
    }

    @Override
    public void close() {
      informer.stop();
    }
  }
}
