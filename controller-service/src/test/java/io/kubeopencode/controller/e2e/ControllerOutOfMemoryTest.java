package io.kubeopencode.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory never means silently stuck: a controller with the shipped JVM flags
 * ({@code hack/service-jvm-flags}) and a heap far too small for a burst either finishes every Task or exits; after
 * an exit, a controller with enough memory (as Kubernetes would restart it) finishes every Task.
 */
@Tag("apiserver")
class ControllerOutOfMemoryTest {
  private static final int TASKS = 200;
  /** Enough to start and to reconcile a few Tasks, not a burst of them with their contexts. */
  private static final String TINY_HEAP = "-Xmx20m";
  /** Generous for a busy 2-core machine; a hung controller never gets there. */
  private static final Duration PATIENCE = Duration.ofMinutes(6);

  @TempDir
  Path logs;

  @Test
  void aControllerOutOfMemoryFinishesEveryTaskOrExitsNeverHangs() throws Exception {
    KubeCluster cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    KubernetesClient client = cluster.client();
    String ns = cluster.createNamespace("oom");
    createAgentAndBurst(client, ns);

    Process tiny = startController(cluster, ns, List.of(TINY_HEAP, "-XX:+UseSerialGC"), logs.resolve("tiny.log"));
    try {
      Outcome first = await(client, ns, tiny);
      System.out.println("controller with " + TINY_HEAP + ": " + first + (first == Outcome.EXITED
          ? " (" + Files.readAllLines(logs.resolve("tiny.log")).stream().filter(l -> l.contains("OutOfMemoryError"))
              .findFirst().orElse("exit code " + tiny.exitValue()) + ")" : ""));
      if (first == Outcome.EXITED) {
        assertThat(tiny.exitValue()).as("an out-of-memory exit is a failure exit").isNotZero();
        Process restarted = startController(cluster, ns, List.of(), logs.resolve("restarted.log"));
        try {
          assertThat(await(client, ns, restarted)).as("the restarted controller finishes every Task")
              .isEqualTo(Outcome.ALL_FINISHED);
        } finally {
          stop(restarted);
        }
      }
    } finally {
      stop(tiny);
    }
  }

  private enum Outcome { ALL_FINISHED, EXITED }

  /** Whichever comes first; an assertion error when neither does: the controller hangs. */
  private static Outcome await(KubernetesClient client, String ns, Process controller) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long unfinished = TASKS;
    while (System.nanoTime() < deadline) {
      unfinished = client.resources(Task.class).inNamespace(ns).list().getItems().stream()
          .filter(t -> t.getStatus() == null || t.getStatus().phase() == null || !t.getStatus().phase().isFinished())
          .count();
      if (unfinished == 0) {
        return Outcome.ALL_FINISHED;
      }
      if (!controller.isAlive()) {
        return Outcome.EXITED;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("after " + PATIENCE + " the controller is alive and " + unfinished + " of " + TASKS
        + " Tasks are unfinished: it hangs");
  }

  private static void createAgentAndBurst(KubernetesClient client, String ns) throws InterruptedException {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("agent").build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
        AgentPodSpec.of(null, PodOutcome.succeed().annotations(), null, null, null), "sa", null, null, null));
    client.resource(agent).create();
    String context = "Context an agent reads before it starts. ".repeat(200);
    try (ExecutorService creators = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < TASKS; i++) {
        String name = String.format("t%03d", i);
        creators.submit(() -> {
          Task task = new Task();
          task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
          task.setSpec(new TaskSpec("Out of memory test", List.of(ContextItem.text("notes", "notes.md", context),
              ContextItem.text("more", null, context)), AgentReference.of("agent"), null, null, null));
          client.resource(task).create();
        });
      }
      creators.shutdown();
      assertThat(creators.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    }
  }

  /** The controller as its own process, with the shipped JVM flags plus {@code extraFlags}. */
  private static Process startController(KubeCluster cluster, String ns, List<String> extraFlags, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    command.addAll(shippedFlags());
    command.addAll(extraFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kubeopencode.controller.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    builder.environment().put("SERVER_PORT", "0");
    builder.environment().put("SERVER_HOST", "127.0.0.1");
    builder.environment().put("LEADER_ELECTION_ENABLED", "false");
    builder.environment().put("CONTROLLER_NAMESPACES", ns);
    builder.environment().put("CONTROLLER_WORKERS", "4");
    Process process = builder.start();
    // Also when the test JVM is stopped: the controller must not outlive the test.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }

  /** The flags every shipped service runs with, one place for all of them. */
  static List<String> shippedFlags() {
    try {
      return Files.readAllLines(KubeBinaries.projectRoot().resolve("hack/service-jvm-flags")).stream()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
