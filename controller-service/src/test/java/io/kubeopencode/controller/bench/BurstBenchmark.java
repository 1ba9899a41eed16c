package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.helidon.config.ConfigSources;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.controller.Main;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A burst of Tasks against the controller (its real Main, in this JVM) on a real API server with kwok. Prints
 * Task-to-pod latency percentiles and the controller's API writes per Task, by resource.
 * Run with hack/bench-controller.sh; not part of the test suite. -Dbench.tasks=N (default 1000).
 */
public final class BurstBenchmark {
  private BurstBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.tasks", 1000);
    try (KubeCluster cluster = KubeCluster.start().withJobController().withSimulatedNodes()) {
      cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
      KubernetesClient client = cluster.client();
      String ns = cluster.createNamespace("bench");

      Map<String, LongAdder> writes = new ConcurrentHashMap<>();
      KubernetesClient controllerClient = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig())))
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-writes", new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
              if (!"GET".equals(request.method())) {
                writes.computeIfAbsent(request.method() + " " + resource(request.uri().getPath()),
                    k -> new LongAdder()).increment();
              }
            }
          }))
          .build();

      Agent agent = new Agent();
      agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("agent").build());
      agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
          AgentPodSpec.of(null, PodOutcome.succeed().annotations(), null, null, null), "sa", null, null, null));
      client.resource(agent).create();

      Map<String, Long> created = new ConcurrentHashMap<>();
      Map<String, Long> podSeen = new ConcurrentHashMap<>();
      var pods = client.pods().inNamespace(ns).inform(new ResourceEventHandler<Pod>() {
        @Override
        public void onAdd(Pod pod) {
          String task = pod.getMetadata().getLabels() == null ? null
              : pod.getMetadata().getLabels().get("kubeopencode.io/task");
          if (task != null) {
            podSeen.putIfAbsent(task, System.nanoTime());
          }
        }

        @Override
        public void onUpdate(Pod oldPod, Pod pod) {}

        @Override
        public void onDelete(Pod pod, boolean unknown) {}
      });

      try (Main.Running controller = Main.start(io.helidon.config.Config.just(ConfigSources.create(Map.of(
          "server.port", "0", "server.host", "127.0.0.1", "controller.namespaces", ns,
          "controller.workers", System.getProperty("bench.workers", "4"),
          "leader-election.enabled", "false"))), controllerClient)) {
        long start = System.nanoTime();
        try (ExecutorService creators = Executors.newFixedThreadPool(8)) {
          for (int i = 0; i < count; i++) {
            String name = String.format("t%05d", i);
            creators.submit(() -> {
              Task task = new Task();
              task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
              task.setSpec(new TaskSpec("Benchmark.", List.of(ContextItem.text("n", "n.md", "x")),
                  AgentReference.of("agent"), null, null, null));
              created.put(name, System.nanoTime());
              client.resource(task).create();
            });
          }
        }
        long createdAll = System.nanoTime();
        client.resources(Task.class).inNamespace(ns).informOnCondition(tasks -> tasks.size() == count
            && tasks.stream().allMatch(t -> t.getStatus() != null && t.getStatus().phase() != null
                && t.getStatus().phase().isFinished())).get(30, TimeUnit.MINUTES);
        long done = System.nanoTime();

        List<Long> latencies = new ArrayList<>();
        created.forEach((name, t0) -> latencies.add((podSeen.get(name) - t0) / 1_000_000));
        latencies.sort(Long::compare);
        long completed = client.resources(Task.class).inNamespace(ns).list().getItems().stream()
            .filter(t -> t.getStatus().phase() == TaskPhase.Completed).count();
        System.out.printf("%n== burst of %d Tasks (controller: %s workers; kwok pods run 200 ms) ==%n", count, System.getProperty("bench.workers", "4"));
        System.out.printf("created in %.1f s; all finished after %.1f s (%d Completed)%n",
            (createdAll - start) / 1e9, (done - start) / 1e9, completed);
        System.out.printf("Task -> pod latency ms: p50 %d, p90 %d, p99 %d, max %d%n", pct(latencies, 50),
            pct(latencies, 90), pct(latencies, 99), latencies.getLast());
        long total = writes.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("controller API writes: %d, %.2f per Task%n", total, (double) total / count);
        new TreeMap<>(writes).forEach((k, v) -> System.out.printf("  %-28s %6d  (%.2f per Task)%n", k, v.sum(),
            (double) v.sum() / count));
      } finally {
        pods.stop();
        controllerClient.close();
      }
    }
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  /** {@code /api/v1/namespaces/x/pods/y} → {@code pods}; status subresources keep their suffix. */
  private static String resource(String path) {
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        String kind = parts[i + 2];
        return i + 4 < parts.length ? kind + "/" + parts[i + 4] : kind;
      }
    }
    return path;
  }
}
