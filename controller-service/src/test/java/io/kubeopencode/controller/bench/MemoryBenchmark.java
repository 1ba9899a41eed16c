package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The controller's memory with many Tasks in the cluster: its jar runs as a separate process (JVM flags of a small
 * container) against a real API server; N Tasks are created (they name a missing Agent, so they fail at once and
 * stay cached); then its RSS and peak RSS are read from /proc. -Dbench.tasks=N (default 10000),
 * -Dbench.jvm="flags". Run with hack/bench-controller-memory.sh; not part of the test suite.
 */
public final class MemoryBenchmark {
  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.tasks", 10_000);
    String jvmFlags = System.getProperty("bench.jvm", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAM=256m");
    Path jar = KubeBinaries.projectRoot().resolve("controller-service/target/kubeopencode-controller.jar");
    try (KubeCluster cluster = KubeCluster.start()) {
      cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
      KubernetesClient client = cluster.client();
      String ns = cluster.createNamespace("memory");
      List<String> command = new java.util.ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(List.of(jvmFlags.split(" ")));
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("controller", ".log").toFile());
      builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
      builder.environment().put("SERVER_PORT", "0");
      builder.environment().put("SERVER_HOST", "127.0.0.1"); // benchmarks, like tests, listen on loopback only
      builder.environment().put("LEADER_ELECTION_ENABLED", "false");
      builder.environment().put("CONTROLLER_NAMESPACES", ns);
      Process controller = builder.start();
      // Also when this JVM is stopped: the controller must not outlive the benchmark.
      Runtime.getRuntime().addShutdownHook(new Thread(controller::destroyForcibly));
      try {
        long start = System.nanoTime();
        try (ExecutorService creators = Executors.newFixedThreadPool(8)) {
          for (int i = 0; i < count; i++) {
            String name = String.format("t%05d", i);
            creators.submit(() -> {
              Task task = new Task();
              task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
              task.setSpec(new TaskSpec("Memory benchmark: a prompt of ordinary length for an AI agent.",
                  List.of(ContextItem.text("notes", "notes.md", "Some context text.")), AgentReference.of("missing"),
                  null, null, null));
              client.resource(task).create();
            });
          }
        }
        System.out.printf("created %d Tasks in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
        client.resources(Task.class).inNamespace(ns).informOnCondition(tasks -> tasks.size() == count
            && tasks.stream().allMatch(t -> t.getStatus() != null && t.getStatus().phase() != null))
            .get(30, TimeUnit.MINUTES);
        System.out.printf("all %d Tasks reconciled after %.1f s%n", count, (System.nanoTime() - start) / 1e9);
        Thread.sleep(5_000);
        String status = Files.readString(Path.of("/proc", Long.toString(controller.pid()), "status"));
        System.out.printf("%n== controller with %d Tasks in the cluster (JVM flags: %s) ==%n", count, jvmFlags);
        status.lines().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).forEach(System.out::println);
      } finally {
        controller.destroy();
        controller.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
