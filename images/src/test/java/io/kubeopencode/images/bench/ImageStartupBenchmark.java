package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.KubeBinaries;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Start-up of the four shipped images in real containers ({@code ctr run} under a private containerd, read-only root
 * file system, the image's own user), as a kubelet would start them minus the pod sandbox:
 *
 * <ul>
 *   <li>controller and cleanup: launch of {@code ctr run} to the first 2xx of {@code /observe/health/ready}, against
 *       a real API server with the chart's CRDs (host network, leader election off); also Helidon's own "N
 *       milliseconds since JVM startup", the JVM's RSS and the container's memory and CPU use when ready;</li>
 *   <li>git-init: launch to exit, a depth-1 clone of a 20-file repository from {@code git daemon} on 127.0.0.1 into a
 *       mounted directory;</li>
 *   <li>context-init: launch to exit, a task.md staged from a mounted ConfigMap-like directory into a mounted
 *       workspace;</li>
 *   <li>baseline: {@code /pause -v} of the test pause image, what containerd, runc and ctr cost alone.</li>
 * </ul>
 *
 * <p>Each image runs with its CDS archive (as shipped); with a memory limit as the chart's (256 MiB for the services,
 * 128 MiB for the init programs), which the JVM does not see (bare {@code ctr run} mounts no /sys/fs/cgroup: it sizes
 * its heap from the host's memory; the first section prints what it chose); with the limit and
 * {@code -XX:MaxRAM=<limit>} (the heap the JVM would choose in a pod, where it reads the limit); and with
 * {@code -Xshare:off} (no CDS). {@code -Dbench.extra="flags"} adds a variant with those JVM flags (JDK_JAVA_OPTIONS).
 * Runs are interleaved (round by round, so a change of the machine's load hits every variant alike), after
 * {@code bench.warmup} discarded rounds. Prints each run and min/median/max; asserts nothing. Needs root. Run with
 * {@code hack/bench-image-startup.sh [-Dbench.runs=N]}.
 */
public final class ImageStartupBenchmark {
  private ImageStartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchPlan plan = BenchPlan.fromSystemProperties();
    Path root = KubeBinaries.projectRoot();
    String loadBefore = HostReadings.loadAverage();
    BenchEnvironment environment = new BenchEnvironment(root, WorkDir.create());
    // Interrupted (Ctrl-C), the same clean-up in the same order; Containerd's and KubeCluster's own hooks run
    // meanwhile, and their close() is synchronized, so this one waits for theirs.
    Thread hook = new Thread(environment::stop, "image-startup-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      System.out.printf("[bench] %s; %d cores; load average %s; %d runs after %d warm-up round(s)%n",
          System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(), loadBefore, plan.runs(),
          plan.warmup());
      environment.start();
      environment.printJvmChoices();
      Optional<RoundResults> results = new InterleavedRounds(plan, environment).run();
      if (results.isPresent() && plan.runs() > 0) {
        BenchReport.printSummary(plan.scenarios(), results.get(), plan.runs(), loadBefore);
      }
    } finally {
      environment.cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) cleanUp too
      }
    }
  }
}
