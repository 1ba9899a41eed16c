package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The training run of a service's JDK AOT cache (hack/aot-cache.sh): starts the service's jar as its own process, as
 * hack/run.sh does, with {@code -XX:AOTCacheOutput=<cache>} against a throw-away control plane, lets it do its real
 * start-up and some work (the controller: one Task waiting before it starts and one after, each to a finished pod;
 * the cleanup-service: its start-up and first scan), then stops it with SIGTERM: the JVM writes the cache at exit.
 * Arguments: {@code controller|cleanup}, the jar, the cache file to write. With an output file ending in
 * {@code .classlist} the run writes the list of classes loaded instead ({@code -XX:DumpLoadedClassList}, the input
 * of an image's CDS archive: hack/images/class-list.sh). Not a test.
 */
public final class AotTraining {
  private static final Path ROOT = KubeBinaries.projectRoot();

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !List.of("controller", "cleanup").contains(args[0])) {
      throw new IllegalArgumentException("arguments: controller|cleanup JAR CACHE");
    }
    String service = args[0];
    Path jar = Path.of(args[1]).toAbsolutePath();
    Path cache = Path.of(args[2]).toAbsolutePath();
    Files.deleteIfExists(cache);
    try (KubeCluster cluster = KubeCluster.start().withJobController().withSimulatedNodes()) {
      cluster.installCrds(ROOT.resolve("charts/kubeopencode/crds"));
      KubernetesClient client = cluster.client();
      String ns = cluster.createNamespace("aot");
      client.resource(ThroughputBenchmark.agent(ns)).create();
      try (TaskTimeline timeline = new TaskTimeline(client, ns)) {
        TaskLoad load = new TaskLoad(client, ns, ThroughputBenchmark.AGENT, timeline);
        load.create("waiting");
        ControllerProcess process = ControllerProcess.start(ROOT, jar, cluster.kubeconfig(),
            List.of(cache.toString().endsWith(".classlist") ? "-XX:DumpLoadedClassList=" + cache
                : "-XX:AOTCacheOutput=" + cache));
        try {
          if (service.equals("controller")) {
            load.create("after-start");
            await("both Tasks to finish", process, () -> timeline.entry("waiting").finished != 0
                && timeline.entry("after-start").finished != 0);
          } else {
            await("the cleanup-service to start", process, () -> logHas(process, "cleanup service started in"));
            Thread.sleep(2_000);
          }
          System.err.println("[aot] training done; SIGTERM, the JVM writes the cache at exit");
          int exit = process.terminate(120);
          System.err.println("[aot] the service exited with code " + exit + "; its log: " + process.log());
        } finally {
          process.close();
        }
      }
    }
    if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
      throw new IllegalStateException("nothing was written to " + cache);
    }
  }

  private static boolean logHas(ControllerProcess process, String text) {
    try {
      return Files.readString(process.log()).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void await(String what, ControllerProcess process, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!done.getAsBoolean()) {
      process.requireAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what + "; log: " + process.log());
      }
      Thread.sleep(100);
    }
  }
}
