package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.PodOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Throughput of the controller (its jar as its own process, started as hack/run.sh does) on a real control plane:
 * kube-apiserver with an audit log, the Job controller at its default client rate, kube-scheduler and kwok. Each
 * scenario gets a fresh cluster and controller: one warm-up Task measures process start to first workload, then
 * "burst" creates bench.tasks Tasks as fast as the client can, "steady" bench.rate Tasks/s for bench.seconds.
 * Prints latency percentiles per Task, API requests by verb and resource (all clients; the controller's own), the
 * controller's CPU time and RSS, and writes a per-Task CSV. Run with hack/bench-throughput.sh; not a test.
 */
public final class ThroughputBenchmark {
  static final String AGENT = "agent";
  private static final Path ROOT = KubeBinaries.projectRoot();

  private ThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "both";
    List<String> scenarios = switch (which) {
      case "both" -> List.of("burst", "steady");
      case "burst", "steady" -> List.of(which);
      default -> throw new IllegalArgumentException("scenario: burst, steady or both (was " + which + ")");
    };
    for (String scenario : scenarios) {
      run(scenario);
    }
  }

  private static void run(String scenario) throws Exception {
    boolean audit = Boolean.parseBoolean(System.getProperty("bench.audit", "true"));
    Path work = Files.createTempDirectory("bench-throughput");
    Path auditLog = work.resolve("audit.log");
    try (KubeCluster cluster = KubeCluster.start(audit ? ApiRequests.auditFlags(auditLog) : Map.of())
        .withJobController().withSimulatedNodes()) {
      cluster.installCrds(ROOT.resolve("charts/kubeopencode/crds"));
      KubernetesClient client = cluster.client();
      String ns = cluster.createNamespace(scenario);
      client.resource(agent(ns)).create();
      try (TaskTimeline timeline = new TaskTimeline(client, ns);
          ControllerProcess controller = ControllerProcess.start(ROOT, cluster.kubeconfig(), extraJvmFlags())) {
        new TaskLoad(client, ns, AGENT, timeline).create("warm-up");
        awaitOrFail("the warm-up Task to finish", Duration.ofMinutes(3), controller,
            () -> timeline.entry("warm-up").finished != 0);
        double startToWorkload = (timeline.firstWorkload() - controller.startedNanos()) / 1e9;

        Map<String, Long> before = ApiRequests.scrape(client);
        long auditFrom = audit ? ApiRequests.auditLines(auditLog) : 0;
        double cpuAtStart = controller.cpuSeconds();
        String loadBefore = loadAverage();
        TaskLoad load = new TaskLoad(client, ns, AGENT, timeline);
        TaskLoad.Created created = scenario.equals("burst")
            ? load.burst(scenario, Integer.getInteger("bench.tasks", 1000))
            : load.steady(scenario, Integer.getInteger("bench.rate", 50), Integer.getInteger("bench.seconds", 60));
        awaitFinished(timeline, created.names(), controller);
        var figures = new ThroughputReport.Controller(cpuAtStart, controller.cpuSeconds(), controller.rssMib(),
            controller.peakRssMib(), startToWorkload);
        Map<String, Long> all = ApiRequests.difference(before, ApiRequests.scrape(client));

        ThroughputReport report = new ThroughputReport(System.out, created.names(), timeline);
        report.header(title(scenario, created.names().size(), loadBefore), created, scenario.equals("burst") ? ""
            : " (target " + Integer.getInteger("bench.rate", 50) + "/s)");
        report.latencies();
        report.controller(figures);
        report.requests("API requests in the scenario, all clients (apiserver_request_total):", all);
        if (audit) {
          report.requests("the controller's own (audit log, user agent " + ControllerProcess.USER_AGENT + "):",
              ApiRequests.audited(auditLog, ControllerProcess.USER_AGENT, auditFrom));
        }
        report.csv(scenario, created.firstCall());
        System.out.println("controller log: " + controller.log());
      }
    } finally {
      Files.deleteIfExists(auditLog);
      Files.deleteIfExists(work.resolve("audit-policy.yaml"));
      Files.deleteIfExists(work);
    }
  }

  private static String title(String scenario, int tasks, String loadBefore) {
    return scenario + ": " + tasks + " Tasks; kwok pods run " + runFor().toMillis() + " ms; Job controller at its"
        + " default client rate; " + Runtime.getRuntime().availableProcessors() + " cores, load average before "
        + loadBefore;
  }

  /** The 1-, 5- and 15-minute load averages: what else ran on the machine shapes every figure. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** An Agent without limits whose pods succeed on kwok after bench.run-ms (200 by default). */
  static Agent agent(String ns) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(AGENT).build());
    agent.setSpec(new AgentSpec(null, null, "/workspace", null, null, null, null,
        AgentPodSpec.of(null, PodOutcome.succeed().runFor(runFor()).annotations(), null, null, null), "sa", null,
        null, null));
    return agent;
  }

  private static Duration runFor() {
    return Duration.ofMillis(Long.getLong("bench.run-ms", 200));
  }

  /**
   * -Dbench.controller-jvm="flags" after hack/service-jvm-flags, e.g. a JFR recording; with -Dbench.aot-cache=FILE
   * (hack/bench-throughput.sh -Dbench.aot=true sets it) also -XX:AOTCache=FILE.
   */
  private static List<String> extraJvmFlags() {
    String flags = System.getProperty("bench.controller-jvm", "").strip();
    List<String> extra = new java.util.ArrayList<>(flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+")));
    String cache = System.getProperty("bench.aot-cache", "").strip();
    if (!cache.isEmpty()) {
      extra.add("-XX:AOTCache=" + cache);
    }
    System.err.println("[bench] controller JVM flags after hack/service-jvm-flags: " + extra);
    return extra;
  }

  /** Waits for every Task to finish (bench.timeout-minutes, 20 by default), printing progress to stderr. */
  private static void awaitFinished(TaskTimeline timeline, List<String> names, ControllerProcess controller)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(Long.getLong("bench.timeout-minutes", 20)).toNanos();
    long nextProgress = System.nanoTime();
    long finished = 0;
    while (finished < names.size() && System.nanoTime() < deadline) {
      controller.requireAlive();
      finished = timeline.finished(names);
      if (System.nanoTime() >= nextProgress) {
        System.err.printf("[bench] %d of %d Tasks finished%n", finished, names.size());
        nextProgress += Duration.ofSeconds(15).toNanos();
      }
      Thread.sleep(100);
    }
    if (finished < names.size()) {
      System.err.printf("[bench] gave up waiting (bench.timeout-minutes): %d of %d Tasks unfinished%n",
          names.size() - finished, names.size());
    }
  }

  private static void awaitOrFail(String what, Duration limit, ControllerProcess controller, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      controller.requireAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what + "; controller log: " + controller.log());
      }
      Thread.sleep(20);
    }
  }
}
