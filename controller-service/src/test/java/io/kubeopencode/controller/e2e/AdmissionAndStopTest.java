package io.kubeopencode.controller.e2e;

import static io.kubeopencode.controller.e2e.TaskLifecycleTest.awaitTask;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.phase;
import static io.kubeopencode.controller.e2e.TaskLifecycleTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** maxConcurrentTasks with oldest-first admission, and the stop annotation, on a real API server. */
// The controllers are try-with-resources for their lifetime only.
@SuppressWarnings("try")
@Tag("apiserver")
class AdmissionAndStopTest {
  private static KubernetesClient client;
  private static KubeCluster cluster;

  @BeforeAll
  static void start() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
    TaskLifecycleTest.client = client;
  }

  private static void limitedAgent(String ns, int max, PodOutcome outcome) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("limited").build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
        AgentPodSpec.of(null, outcome.annotations(), null, null, null), "sa", null, max, null));
    client.resource(agent).create();
  }

  /** Lets the held pod of a Task finish. */
  private static void release(String ns, String task) {
    TaskLifecycleTest.awaitRunning(ns, task + "-pod");
    TaskLifecycleTest.release(ns, task + "-pod");
  }

  @Test
  void neverMoreRunningThanTheLimitAndOldestFirst() throws Exception {
    String ns = cluster.createNamespace("admission");
    List<String> startedOrder = new CopyOnWriteArrayList<>();
    Set<String> running = ConcurrentHashMap.newKeySet();
    AtomicInteger maxRunning = new AtomicInteger();
    SharedIndexInformer<Task> watch = client.resources(Task.class).inNamespace(ns).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Task t) {
            onUpdate(null, t);
          }

          @Override
          public void onUpdate(Task old, Task t) {
            String name = t.getMetadata().getName();
            if (t.getStatus() != null && t.getStatus().phase() == TaskPhase.Running) {
              if (running.add(name)) {
                startedOrder.add(name);
              }
            } else {
              running.remove(name);
            }
            maxRunning.accumulateAndGet(running.size(), Math::max);
          }

          @Override
          public void onDelete(Task t, boolean unknown) {}
        });
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      limitedAgent(ns, 2, PodOutcome.succeed().hold());
      for (String name : List.of("t1", "t2", "t3", "t4", "t5")) {
        task(ns, name, "limited", List.of(), List.of());
      }
      awaitTask(ns, "t1", phase(TaskPhase.Running));
      awaitTask(ns, "t2", phase(TaskPhase.Running));
      for (String name : List.of("t3", "t4", "t5")) {
        Task queued = awaitTask(ns, name, phase(TaskPhase.Queued));
        assertThat(queued.getStatus().conditions()).anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("Queued");
          assertThat(c.getReason()).isEqualTo("AgentAtCapacity");
        });
      }

      // Admitted on the completion event: awaitTask gives up after a minute, and the only poll (the caches'
      // resync) comes every five.
      for (String[] step : new String[][] {{"t1", "t3"}, {"t2", "t4"}, {"t3", "t5"}}) {
        release(ns, step[0]);
        awaitTask(ns, step[0], phase(TaskPhase.Completed));
        awaitTask(ns, step[1], phase(TaskPhase.Running));
      }
      release(ns, "t4");
      release(ns, "t5");
      awaitTask(ns, "t5", phase(TaskPhase.Completed));
    } finally {
      watch.stop();
    }
    assertThat(maxRunning.get()).isEqualTo(2);
    assertThat(startedOrder.subList(0, 2)).containsExactlyInAnyOrder("t1", "t2");
    assertThat(startedOrder.subList(2, 5)).containsExactly("t3", "t4", "t5");
  }

  @Test
  void aStartQuotaQueuesTasksUntilTheWindowMovesAndTheAgentStatusFollows() {
    String ns = cluster.createNamespace("quota");
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      Agent agent = new Agent();
      agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("rationed").build());
      agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
          AgentPodSpec.of(null, PodOutcome.succeed().annotations(), null, null, null), "sa", null, null,
          new io.kubeopencode.api.v1alpha1.Quota(1, 60)));
      client.resource(agent).create();
      task(ns, "first", "rationed", List.of(), List.of());
      awaitTask(ns, "first", phase(TaskPhase.Completed));
      task(ns, "second", "rationed", List.of(), List.of());

      Task queued = awaitTask(ns, "second", phase(TaskPhase.Queued));
      Agent withLedger = client.resources(Agent.class).inNamespace(ns).withName("rationed").get();
      assertThat(withLedger.getStatus().taskStartHistory()).singleElement()
          .satisfies(r -> assertThat(r.taskName()).isEqualTo("first"));
      java.time.Instant firstStart = java.time.Instant.parse(
          withLedger.getStatus().taskStartHistory().getFirst().startTime());
      assertThat(queued.getStatus().conditions()).anySatisfy(c -> {
        assertThat(c.getReason()).isEqualTo("QuotaExceeded");
        assertThat(c.getMessage()).isEqualTo("Agent rationed reached its quota of 1 starts per 60 s; next start at "
            + firstStart.plusSeconds(60));
      });
      client.resources(Agent.class).inNamespace(ns).withName("rationed").waitUntilCondition(a -> a.getStatus() != null
          && Integer.valueOf(0).equals(a.getStatus().runningTasks())
          && Integer.valueOf(1).equals(a.getStatus().queuedTasks()), 60, TimeUnit.SECONDS);

      // Re-checked by a timer when the first start leaves the window: about a minute after it at most, far sooner than the
      // caches' resync (five minutes); never before it (start times have whole seconds).
      client.resources(Task.class).inNamespace(ns).withName("second").waitUntilCondition(t -> t.getStatus() != null
          && t.getStatus().phase() != TaskPhase.Queued, 120, TimeUnit.SECONDS);
      java.time.Duration waited = java.time.Duration.between(firstStart, java.time.Instant.now());
      assertThat(waited).as("not admitted before the first start left the window")
          .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(59));
      awaitTask(ns, "second", phase(TaskPhase.Completed));
    }
  }

  @Test
  void stoppingAQueuedTaskCompletesItWithoutAPod() {
    String ns = cluster.createNamespace("stop-queued");
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      limitedAgent(ns, 1, PodOutcome.succeed().hold());
      task(ns, "busy", "limited", List.of(), List.of());
      awaitTask(ns, "busy", phase(TaskPhase.Running));
      task(ns, "waiting", "limited", List.of(), List.of());
      awaitTask(ns, "waiting", phase(TaskPhase.Queued));

      client.resources(Task.class).inNamespace(ns).withName("waiting")
          .edit(t -> { t.getMetadata().setAnnotations(Map.of("kubeopencode.io/stop", "true")); return t; });

      Task stopped = awaitTask(ns, "waiting", phase(TaskPhase.Completed));
      assertThat(stopped.getStatus().conditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Stopped");
        assertThat(c.getReason()).isEqualTo("UserStopped");
      });
      assertThat(client.pods().inNamespace(ns).withName("waiting-pod").get()).isNull();
      assertThat(TaskLifecycleTest.podsOf(ns, "waiting")).isEmpty();
    }
  }

  @Test
  void stoppingARunningTaskTerminatesTheAgentAndStillCollectsItsOutputs() {
    String ns = cluster.createNamespace("stop-running");
    try (InProcessController controller = new InProcessController(client, List.of(ns))) {
      limitedAgent(ns, 1, PodOutcome.succeed().hold().message("output-collector",
          OutputsCodec.encode(Map.of("summary", "half done"))));
      task(ns, "long", "limited", List.of(), List.of(new OutputParameter("summary", ".outputs/summary", null)));
      awaitTask(ns, "long", phase(TaskPhase.Running));
      TaskLifecycleTest.awaitRunning(ns, "long-pod");

      client.resources(Task.class).inNamespace(ns).withName("long")
          .edit(t -> { t.getMetadata().setAnnotations(Map.of("kubeopencode.io/stop", "true")); return t; });

      Task stopped = awaitTask(ns, "long", phase(TaskPhase.Completed));
      assertThat(stopped.getStatus().outputs().parameters()).containsExactly(Map.entry("summary", "half done"));
      assertThat(stopped.getStatus().conditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Stopped");
        assertThat(c.getReason()).isEqualTo("UserStopped");
      });
      assertThat(stopped.getStatus().podName()).isEqualTo("long-pod");
      // Deleted gracefully (the agent got SIGTERM, exit 143), read, and then let go: no pod is left.
      client.pods().inNamespace(ns).withLabel("kubeopencode.io/task", "long").informOnCondition(List::isEmpty)
          .orTimeout(60, TimeUnit.SECONDS).join();
      assertThat(client.pods().inNamespace(ns).withName("long-pod-1").get()).as("a stopped pod is not replaced")
          .isNull();
    }
  }
}
