package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.RunningContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
  private static final long SERVICE_LIMIT = 256L << 20;
  private static final long INIT_LIMIT = 128L << 20;
  /** The images' entrypoint: ctr's arguments replace the entrypoint and the command. */
  private static final List<String> ENTRYPOINT = List.of("/opt/java/bin/java", "@/app/java.args");
  private static final Pattern HELIDON_UPTIME = Pattern.compile("(\\d+) milliseconds since JVM startup");
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final int REPO_FILES = 20;

  /** An image and how its run is measured. */
  private enum Image {
    CONTROLLER("controller", "controller-service", Kind.SERVICE),
    CLEANUP("cleanup", "cleanup-service", Kind.SERVICE),
    GIT_INIT("git-init", "git-init-image", Kind.INIT),
    CONTEXT_INIT("context-init", "context-init-image", Kind.INIT),
    PAUSE("pause -v", "images", Kind.BASELINE);

    final String label;
    final String module;
    final Kind kind;

    Image(String label, String module, Kind kind) {
      this.label = label;
      this.module = module;
      this.kind = kind;
    }

    /** Jib's tar (the one .tar in target/ with a .digest beside it); the pause image's from test-images. */
    Path tar(Path root) {
      if (kind == Kind.BASELINE) {
        return root.resolve("images/target/test-images/kubeopencode-pause.tar");
      }
      Path target = root.resolve(module).resolve("target");
      try (Stream<Path> files = Files.list(target)) {
        List<Path> tars = files.filter(p -> p.getFileName().toString().endsWith(".tar"))
            .filter(p -> Files.exists(target.resolve(p.getFileName().toString().replaceFirst("\\.tar$",
                ".digest")))).toList();
        if (tars.size() != 1) {
          throw new IllegalStateException("expected one image tar (with its .digest) in " + target + ", found "
              + tars + "; build with ./mvnw -pl images -am package -DskipTests");
        }
        return tars.getFirst();
      } catch (IOException e) {
        throw new UncheckedIOException("no " + target + ": build the images first", e);
      }
    }

    long memoryLimit() {
      return kind == Kind.SERVICE ? SERVICE_LIMIT : INIT_LIMIT;
    }
  }

  private enum Kind { SERVICE, INIT, BASELINE }

  /**
   * How a JVM image is started: its JDK_JAVA_OPTIONS, whether with its memory limit, and whether the JVM is told
   * the limit ({@code -XX:MaxRAM}: what it would read from the cgroup file system in a pod).
   */
  private record Variant(String label, String javaOptions, boolean limited, boolean maxRam) {
    String javaOptions(Image image) {
      String ram = maxRam ? "-XX:MaxRAM=" + image.memoryLimit() : null;
      if (ram == null) {
        return javaOptions;
      }
      return javaOptions == null ? ram : javaOptions + " " + ram;
    }
  }

  /** One run. -1: not measured. */
  private record Sample(long taskMs, long doneMs, long jvmMs, long rssKb, long cgroupKb, long cpuMs, double load) {}

  private record Scenario(Image image, Variant variant) {
    String label() {
      return variant == null ? image.label : image.label + ", " + variant.label;
    }
  }

  private final Path root = KubeBinaries.projectRoot();
  private final Map<Image, String> refs = new LinkedHashMap<>();
  private Path work;
  private Containerd containerd;
  private KubeCluster cluster;
  private Path kubeconfig;
  private Path repos;
  private Path context;
  private int gitPort;
  private int sequence;
  private Process daemon;
  private boolean cleanedUp;
  /** Set by the shutdown hook: the runs stop (containerd is going away under them). */
  private volatile boolean stopping;

  private ImageStartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("bench.runs", 7);
    int warmup = Integer.getInteger("bench.warmup", 1);
    String extra = System.getProperty("bench.extra", "").strip();
    new ImageStartupBenchmark().run(runs, warmup, extra);
  }

  private void run(int runs, int warmup, String extra) throws Exception {
    List<Variant> variants = new ArrayList<>(List.of(
        new Variant("CDS", null, false, false),
        new Variant("CDS, limit", null, true, false),
        new Variant("CDS, limit, -XX:MaxRAM=limit", null, true, true),
        new Variant("-Xshare:off", "-Xshare:off", false, false)));
    if (!extra.isEmpty()) {
      variants.add(new Variant(extra, extra, false, false));
    }
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario(Image.PAUSE, null));
    for (Image image : List.of(Image.CONTROLLER, Image.CLEANUP, Image.GIT_INIT, Image.CONTEXT_INIT)) {
      for (Variant variant : variants) {
        scenarios.add(new Scenario(image, variant));
      }
    }
    String loadBefore = loadAverage();
    // /tmp, not a deep directory: containerd's socket path must stay under 108 bytes.
    work = Files.createTempDirectory(Path.of("/tmp"), "image-startup");
    // Interrupted (Ctrl-C), the same clean-up in the same order; Containerd's and KubeCluster's own hooks run
    // meanwhile, and their close() is synchronized, so this one waits for theirs.
    Thread hook = new Thread(() -> {
      stopping = true;
      cleanUp();
    }, "image-startup-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      System.out.printf("[bench] %s; %d cores; load average %s; %d runs after %d warm-up round(s)%n",
          System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(), loadBefore, runs, warmup);
      cluster = KubeCluster.start();
      cluster.installCrds(root.resolve("charts/kubeopencode/crds"));
      // One file with the certificates in it, readable by the image's user.
      kubeconfig = Files.writeString(work.resolve("kubeconfig"),
          cluster.kubectl("config", "view", "--raw", "--flatten").requireSuccess());
      Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
      prepareRepository();
      prepareContext();
      gitPort = freePort();
      daemon = new ProcessBuilder("git", "daemon", "--export-all", "--base-path=" + repos, "--listen=127.0.0.1",
          "--port=" + gitPort, "--reuseaddr", repos.toString())
          .redirectErrorStream(true).redirectOutput(work.resolve("git-daemon.log").toFile()).start();
      awaitPort(gitPort);

      containerd = Containerd.start(work.resolve("containerd"));
      for (Image image : Image.values()) {
        Path tar = image.tar(root);
        List<String> imported = containerd.importImage(tar);
        refs.put(image, imported.getFirst());
        System.out.printf("[bench] %-12s %s (%s, %.1f MB)%n", image.label, imported.getFirst(), root.relativize(tar),
            Files.size(tar) / 1e6);
      }
      printJvmChoices();

      Map<Scenario, List<Sample>> samples = new LinkedHashMap<>();
      Map<Scenario, Integer> failures = new LinkedHashMap<>();
      for (int round = 1 - warmup; round <= runs; round++) {
        for (Scenario scenario : scenarios) {
          if (stopping) {
            System.out.println("[bench] stopped");
            return;
          }
          String what = round <= 0 ? "warm-up" : "run " + round;
          Sample sample;
          try {
            sample = measure(scenario);
          } catch (IllegalStateException failed) {
            // Counted and shown, never hidden: an out-of-memory kill under the limit is a result too. (On a shared
            // machine another harness's containerd may also end containers under the same cgroup parent.)
            System.out.printf("[bench] %-40s %-8s FAILED: %s%n", scenario.label(), what, failed.getMessage());
            if (round > 0) {
              failures.merge(scenario, 1, Integer::sum);
            }
            continue;
          }
          System.out.printf("[bench] %-40s %-8s %s%n", scenario.label(), what, describe(scenario, sample));
          if (round > 0) {
            samples.computeIfAbsent(scenario, s -> new ArrayList<>()).add(sample);
          }
        }
      }
      if (runs > 0) {
        report(scenarios, samples, failures, runs, loadBefore);
      }
    } finally {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) cleanUp too
      }
    }
  }

  /** Stops the git daemon, containerd (its containers) and the API server; deletes the work directory. */
  private synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    try {
      if (daemon != null) {
        daemon.destroy();
        daemon.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        if (containerd != null) {
          containerd.close();
        }
      } finally {
        try {
          if (cluster != null) {
            cluster.close();
          }
        } finally {
          deleteUnlessMounted(work);
        }
      }
    }
  }

  /**
   * What the JVM of each image chose under the memory limit: without /sys/fs/cgroup in the container it sees no
   * limit. {@code -Xshare:on} also proves that the CDS archive maps (the JVM refuses to start otherwise).
   */
  private void printJvmChoices() {
    System.out.println();
    System.out.println("== what each JVM sees under its memory limit (--version with -Xshare:on -Xlog:gc+init "
        + "-Xlog:os+container=trace; then with -XX:MaxRAM=limit) ==");
    for (Image image : List.of(Image.CONTROLLER, Image.CLEANUP, Image.GIT_INIT, Image.CONTEXT_INIT)) {
      for (String maxRam : List.of("", " -XX:MaxRAM=" + image.memoryLimit())) {
        printJvmChoice(image, maxRam);
      }
    }
    System.out.println();
  }

  private void printJvmChoice(Image image, String maxRam) {
    List<String> command = new ArrayList<>(ENTRYPOINT);
    command.add("--version");
    CommandResult result = containerd.run(RunSpec.of(refs.get(image), command.toArray(String[]::new))
        .withEnv("JDK_JAVA_OPTIONS", "-Xshare:on -Xlog:gc+init -Xlog:os+container=trace" + maxRam)
        .withMemoryLimit(image.memoryLimit()).withReadOnlyRootFs().withName("bench-info").withTimeout(LIMIT));
    Set<String> seen = new LinkedHashSet<>();
    for (String line : (result.stdout() + "\n" + result.stderr()).lines().toList()) {
      String text = line.replaceFirst("^\\[[^]]*]\\[[^]]*]\\[[^]]*] *", "").strip();
      if (line.contains("[os,container") || text.startsWith("CPUs:") || text.startsWith("Memory:")
          || text.startsWith("Heap Initial") || text.startsWith("Heap Max")) {
        seen.add(text);
      }
    }
    System.out.printf("%s, limit %d MiB%s: exit %d; %s%n", image.label, image.memoryLimit() >> 20, maxRam,
        result.exitCode(), String.join("; ", seen));
    if (result.exitCode() != 0) {
      System.out.println("    stderr: " + result.stderr().strip());
    }
  }

  private Sample measure(Scenario scenario) throws Exception {
    Image image = scenario.image();
    RunSpec spec = RunSpec.of(refs.get(image)).withReadOnlyRootFs().withTimeout(LIMIT)
        .withName("bench-" + image.name().toLowerCase().replace('_', '-'));
    Variant variant = scenario.variant();
    if (variant != null && variant.javaOptions(image) != null) {
      spec = spec.withEnv("JDK_JAVA_OPTIONS", variant.javaOptions(image));
    }
    if (variant != null && variant.limited()) {
      spec = spec.withMemoryLimit(image.memoryLimit());
    }
    return switch (image) {
      case CONTROLLER, CLEANUP -> measureService(spec);
      case GIT_INIT -> {
        Path out = anyoneWritable(Files.createDirectories(work.resolve("git-" + ++sequence)));
        Sample sample = measureToExit(spec.withEnv("GIT_REPO", "git://127.0.0.1:" + gitPort + "/demo")
            .withEnv("GIT_ROOT", "/git").withEnv("GIT_DEPTH", "1").withBindMount(out, "/git").withHostNetwork());
        requireFile(out.resolve("repo/file-01.txt"));
        deleteRecursively(out);
        yield sample;
      }
      case CONTEXT_INIT -> {
        Path workspace = anyoneWritable(Files.createDirectories(work.resolve("workspace-" + ++sequence)));
        Sample sample = measureToExit(spec.withEnv("WORKSPACE_DIR", "/workspace")
            .withEnv("CONFIGMAP_PATH", "/kubeopencode/context")
            .withEnv("FILE_MAPPINGS", "[{\"key\":\"task.md\",\"targetPath\":\"/workspace/task.md\",\"fileMode\":420}]")
            .withReadOnlyBindMount(context, "/kubeopencode/context").withBindMount(workspace, "/workspace"));
        requireFile(workspace.resolve("task.md"));
        deleteRecursively(workspace);
        yield sample;
      }
      case PAUSE -> measureToExit(spec.withArgs("/pause", "-v"));
    };
  }

  /** Launch to the first 2xx of /observe/health/ready; then RSS, memory and CPU of the container; then SIGTERM. */
  private Sample measureService(RunSpec base) throws Exception {
    int port = freePort();
    RunSpec spec = base.withEnv("KUBECONFIG", "/kube/config").withEnv("SERVER_PORT", Integer.toString(port))
        .withEnv("SERVER_HOST", "127.0.0.1")
        .withEnv("LEADER_ELECTION_ENABLED", "false").withReadOnlyBindMount(kubeconfig, "/kube/config")
        .withHostNetwork();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    double load = load1();
    try (RunningContainer container = containerd.startContainer(spec)) {
      long taskMs = -1;
      long readyMs;
      while (true) {
        if (taskMs < 0 && container.pid().isPresent()) {
          taskMs = container.sinceLaunch().toMillis();
        }
        if (!container.isRunning()) {
          throw new IllegalStateException(container.id() + " exited before it was ready: "
              + container.awaitExit(Duration.ofSeconds(10)));
        }
        if (isReady(ready)) {
          readyMs = container.sinceLaunch().toMillis();
          break;
        }
        if (container.sinceLaunch().compareTo(LIMIT) > 0) {
          throw new IllegalStateException(container.id() + " not ready within " + LIMIT + "; stderr: "
              + container.stderr());
        }
        Thread.sleep(5);
      }
      OptionalLong pid = container.pid();
      long rssKb = pid.isPresent() ? vmRssKb(pid.getAsLong()) : -1;
      Path memory = Path.of("/sys/fs/cgroup/memory", Containerd.CGROUP_PARENT, container.id());
      long cgroupKb = scaled(readLong(memory.resolve("memory.usage_in_bytes")), 1024);
      long cpuMs = scaled(cpuNanos(container), 1_000_000);
      CommandResult stopped = container.stop(Duration.ofSeconds(30));
      Matcher matcher = HELIDON_UPTIME.matcher(stopped.stdout() + stopped.stderr());
      long jvmMs = matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
      if (stopped.exitCode() != 143) {
        System.out.printf("[bench] note: %s exited with %d after SIGTERM%n", container.id(), stopped.exitCode());
      }
      return new Sample(taskMs, readyMs, jvmMs, rssKb, cgroupKb, cpuMs, load);
    }
  }

  /**
   * Launch to the exit of {@code ctr run --rm} (the container deleted); fails unless it exits 0. CPU: the container's
   * cgroup's last reading before it went (polled every 5 ms, so a few ms short at most).
   */
  private Sample measureToExit(RunSpec spec) {
    double load = load1();
    RunningContainer container = containerd.startContainer(spec);
    long taskMs = -1;
    long cpuNanos = -1;
    CommandResult result;
    while ((result = container.awaitExit(Duration.ofMillis(5))) == null) {
      if (taskMs < 0 && container.pid().isPresent()) {
        taskMs = container.sinceLaunch().toMillis();
      }
      cpuNanos = Math.max(cpuNanos, cpuNanos(container));
      if (container.sinceLaunch().compareTo(LIMIT) > 0) {
        container.kill();
        container.awaitExit(LIMIT);
        throw new IllegalStateException(container.id() + " did not finish within " + LIMIT);
      }
    }
    long doneMs = container.sinceLaunch().toMillis();
    if (result.exitCode() != 0) {
      throw new IllegalStateException(container.id() + " (" + spec.image() + ") exited with " + result.exitCode()
          + "; stdout: " + result.stdout() + "; stderr: " + result.stderr());
    }
    return new Sample(taskMs, doneMs, -1, -1, -1, scaled(cpuNanos, 1_000_000), load);
  }

  private static String describe(Scenario scenario, Sample s) {
    StringBuilder line = new StringBuilder();
    line.append(scenario.image().kind == Kind.SERVICE ? "ready " : "exited ").append(s.doneMs()).append(" ms");
    line.append(" (task started ").append(s.taskMs()).append(" ms)");
    if (s.jvmMs() >= 0) {
      line.append(", Helidon: ").append(s.jvmMs()).append(" ms since JVM start");
    }
    if (s.cpuMs() >= 0) {
      line.append(", CPU ").append(s.cpuMs()).append(" ms");
    }
    if (s.rssKb() >= 0) {
      line.append(", RSS ").append(scaled(s.rssKb(), 1024)).append(" MiB");
    }
    if (s.cgroupKb() >= 0) {
      line.append(", cgroup ").append(scaled(s.cgroupKb(), 1024)).append(" MiB");
    }
    line.append(", load ").append(String.format("%.2f", s.load()));
    return line.toString();
  }

  /** A Markdown table: medians, and min / median / max of the headline figure. */
  private static void report(List<Scenario> scenarios, Map<Scenario, List<Sample>> samples,
      Map<Scenario, Integer> failures, int runs, String loadBefore) {
    // What a container costs after its task exists without a JVM: start, exit, delete, ctr's exit.
    long baselineTail = samples.entrySet().stream().filter(e -> e.getKey().image() == Image.PAUSE)
        .map(e -> stats(e.getValue(), s -> s.doneMs() - s.taskMs())[1]).findFirst().orElse(0L);
    System.out.println();
    System.out.printf("== start-up in a container, %d runs each (ms; median is the upper one for an even count);"
        + " load average %s before, %s after ==%n", runs, loadBefore, loadAverage());
    System.out.println("done: ctr run launched -> ready (services: first 2xx of /observe/health/ready) or exited"
        + " (init programs, baseline: ctr run --rm has returned, the container deleted)");
    System.out.println("task: ctr run launched -> its pid file (the task created by runc; the JVM not started yet)");
    System.out.println("JVM part: median of done - task per run; for init programs less the baseline's ("
        + baselineTail + " ms: start, exit, delete)");
    System.out.println("CPU: the container's cgroup (cpuacct) when ready, or its last reading before the exit (polled"
        + " every 5 ms); RSS: VmRSS of the JVM when ready; cgroup memory: its memory.usage_in_bytes then");
    System.out.println();
    System.out.println("| image, variant | runs | done: min / median / max | task | JVM part | Helidon's \"since JVM"
        + " startup\" | CPU (ms) | RSS at ready (MiB) | cgroup memory (MiB) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Scenario scenario : scenarios) {
      List<Sample> list = samples.getOrDefault(scenario, List.of());
      int failed = failures.getOrDefault(scenario, 0);
      String count = list.size() + (failed > 0 ? " (" + failed + " failed)" : "");
      if (list.isEmpty()) {
        System.out.printf("| %s | %s | | | | | | | |%n", scenario.label(), count);
        continue;
      }
      Image image = scenario.image();
      boolean service = image.kind == Kind.SERVICE;
      long tail = stats(list, s -> s.doneMs() - s.taskMs())[1];
      System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario.label(), count,
          range(stats(list, Sample::doneMs)), median(stats(list, Sample::taskMs)),
          switch (image.kind) {
            case SERVICE -> Long.toString(tail);
            case INIT -> Long.toString(tail - baselineTail);
            case BASELINE -> "";
          },
          service ? range(stats(list, Sample::jvmMs)) : "", median(stats(list, Sample::cpuMs)),
          service ? median(stats(list, s -> scaled(s.rssKb(), 1024))) : "",
          service ? median(stats(list, s -> scaled(s.cgroupKb(), 1024))) : "");
    }
    System.out.printf("%nload average (1 min) sampled at each run: %.2f-%.2f%n",
        samples.values().stream().flatMap(List::stream).mapToDouble(Sample::load).min().orElse(0),
        samples.values().stream().flatMap(List::stream).mapToDouble(Sample::load).max().orElse(0));
  }

  private static long[] stats(List<Sample> samples, ToLongFunction<Sample> value) {
    long[] sorted = samples.stream().mapToLong(value).sorted().toArray();
    return new long[] {sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]};
  }

  private static String range(long[] stats) {
    return stats[0] < 0 ? "-" : stats[0] + " / " + stats[1] + " / " + stats[2];
  }

  private static String median(long[] stats) {
    return stats[1] < 0 ? "-" : Long.toString(stats[1]);
  }

  /** A repository of REPO_FILES small files in one commit, served as git://127.0.0.1:port/demo. */
  private void prepareRepository() throws IOException, InterruptedException {
    repos = Files.createDirectories(work.resolve("repos"));
    git(repos, "init", "-q", "-b", "main", "demo");
    Path demo = repos.resolve("demo");
    for (int i = 1; i <= REPO_FILES; i++) {
      Files.writeString(demo.resolve(String.format("file-%02d.txt", i)), ("line of file " + i + "\n").repeat(40));
    }
    git(demo, "add", ".");
    git(demo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "twenty files");
  }

  private void prepareContext() throws IOException {
    context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("task.md"), "# Task\n\nDo the thing.\n");
  }

  private boolean isReady(HttpRequest ready) {
    try {
      return HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long vmRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException gone) {
      // exited
    }
    return -1;
  }

  /** CPU time of the container's cgroup so far (cgroup v1's cpuacct), -1 if it is not (or no longer) there. */
  private static long cpuNanos(RunningContainer container) {
    return readLong(Path.of("/sys/fs/cgroup/cpuacct", Containerd.CGROUP_PARENT, container.id(), "cpuacct.usage"));
  }

  /** value / divisor, or -1 when the value is -1 (not measured). */
  private static long scaled(long value, long divisor) {
    return value < 0 ? -1 : value / divisor;
  }

  private static long readLong(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static double load1() {
    return Double.parseDouble(loadAverage().split(" ")[0]);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "? ? ?";
    }
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the run exited 0 but left no " + file);
    }
  }

  private static Path anyoneWritable(Path dir) throws IOException {
    return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("git daemon did not listen on 127.0.0.1:" + port);
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed");
    }
  }

  /** Deletes the work directory, unless containerd left something mounted under it (then says so). */
  private static void deleteUnlessMounted(Path dir) {
    try {
      String prefix = dir.toAbsolutePath() + "/";
      List<String> mounted = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(line -> line.split(" ")[4]).filter(point -> point.startsWith(prefix)).toList();
      if (mounted.isEmpty()) {
        deleteRecursively(dir);
      } else {
        System.err.printf("[bench] %s left in place: still mounted under it: %s%n", dir, mounted);
      }
    } catch (IOException e) {
      System.err.printf("[bench] could not delete %s: %s%n", dir, e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
