package io.kubeopencode.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.controller.Main;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.ListeningSockets;
import io.kubeopencode.testsupport.PodOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The controller-service as deployed: Main with configuration, health, metrics and leader election. */
@Tag("apiserver")
class ControllerServiceTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KubeCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
  }

  private static Config config(String ns, String identity) {
    return Config.just(ConfigSources.create(Map.of(
        "server.port", "0",
        "server.host", "127.0.0.1",
        "controller.namespaces", ns,
        "controller.workers", "2",
        "leader-election.lease-namespace", ns,
        "leader-election.identity", identity,
        "leader-election.lease-duration", "PT3S",
        "leader-election.renew-deadline", "PT2S",
        "leader-election.retry-period", "PT0.5S")));
  }

  @Test
  void servesHealthAndMetricsAndRunsTasks() throws Exception {
    String ns = cluster.createNamespace("service");
    long start = System.nanoTime();
    try (Main.Running controller = Main.start(config(ns, "only"), client)) {
      await(() -> status(controller.port(), "/observe/health/ready") == 200, "ready");
      System.out.printf("controller-service ready %d ms after start%n", (System.nanoTime() - start) / 1_000_000);
      assertThat(status(controller.port(), "/observe/health/started")).isEqualTo(200);
      assertThat(status(controller.port(), "/observe/health/live")).isEqualTo(200);
      assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
          .as("the service's port among this JVM's listeners").anyMatch(l -> l.port() == controller.port());

      createAgent(ns, 5, new io.kubeopencode.api.v1alpha1.Quota(1, 60));
      createTask(ns, "one");
      awaitPhase(ns, "one", TaskPhase.Completed);
      createTask(ns, "two");
      awaitPhase(ns, "two", TaskPhase.Queued);

      // Gauges follow the controller's cache, a moment behind the status the test has seen: await them.
      String agent = "agent=\"" + ns + "/agent\"";
      awaitMetrics(controller.port(),
          "kubeopencode_agent_admission_wait_seconds_count\\{[^}]*" + agent + "[^}]*} 1\\.0",
          "kubeopencode_agent_quota_rejected_total\\{[^}]*" + agent + "[^}]*} 1\\.0",
          "kubeopencode_agent_queue_length\\{[^}]*" + agent + "[^}]*} 1\\.0",
          "kubeopencode_pods_created_total(\\{[^}]*})? 1\\.0",
          "kubeopencode_reconciles_total\\{[^}]*result=\"success\"[^}]*} [1-9]",
          "kubeopencode_tasks\\{[^}]*phase=\"Completed\"[^}]*} 1\\.0",
          "kubeopencode_tasks\\{[^}]*phase=\"Queued\"[^}]*} 1\\.0",
          "kubeopencode_workqueue_depth", "kubeopencode_reconcile_duration_seconds");
      Lease lease = client.leases().inNamespace(ns).withName("kubeopencode-controller").get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("only");
    }
  }

  @Test
  void twoReplicasOneReconcilesAndTheStandbyTakesOver() throws Exception {
    String ns = cluster.createNamespace("replicas");
    Main.Running a = Main.start(config(ns, "replica-a"), client);
    Main.Running b = Main.start(config(ns, "replica-b"), client);
    try {
      await(() -> a.election().isLeader() || b.election().isLeader(), "a leader");
      Main.Running leader = a.election().isLeader() ? a : b;
      Main.Running standby = leader == a ? b : a;
      await(() -> status(standby.port(), "/observe/health/ready") == 200, "standby ready");
      assertThat(standby.controller().isRunning()).as("a standby runs no workers").isFalse();
      assertThat(leader.controller().isRunning()).isTrue();

      createAgent(ns);
      createTask(ns, "first");
      awaitPhase(ns, "first", TaskPhase.Completed);
      assertThat(standby.controller().syncCount()).as("the standby reconciles nothing").isZero();
      assertThat(leader.controller().syncCount()).isPositive();

      leader.close();
      await(() -> standby.election().isLeader(), "standby takes over");
      createTask(ns, "second");
      awaitPhase(ns, "second", TaskPhase.Completed);
      assertThat(standby.controller().syncCount()).isPositive();
    } finally {
      a.close();
      b.close();
    }
  }

  private static void createAgent(String ns) {
    createAgent(ns, null, null);
  }

  private static void createAgent(String ns, Integer maxConcurrent, io.kubeopencode.api.v1alpha1.Quota quota) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("agent").build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
        AgentPodSpec.of(null, PodOutcome.succeed().annotations(), null, null, null), "sa", null, maxConcurrent,
        quota));
    client.resource(agent).create();
  }

  private static void createTask(String ns, String name) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    task.setSpec(new TaskSpec("Go.", null, AgentReference.of("agent"), null, null, null));
    client.resource(task).create();
  }

  private static void awaitPhase(String ns, String name, TaskPhase phase) {
    client.resources(Task.class).inNamespace(ns).withName(name).waitUntilCondition(
        t -> t != null && t.getStatus() != null && t.getStatus().phase() == phase, 60, TimeUnit.SECONDS);
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String metrics(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  /** Waits until the metrics contain every pattern; fails naming the ones missing. */
  private static void awaitMetrics(int port, String... patterns) {
    try {
      Await.until("metrics matching " + List.of(patterns), () -> {
        String metrics = metrics(port);
        return Arrays.stream(patterns).allMatch(p -> Pattern.compile(p).matcher(metrics).find());
      });
    } catch (AssertionError e) {
      String metrics = metrics(port);
      throw new AssertionError(e.getMessage() + "; missing: " + Arrays.stream(patterns)
          .filter(p -> !Pattern.compile(p).matcher(metrics).find()).toList() + "\n" + metrics, e);
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Await.until(what, condition);
  }
}
