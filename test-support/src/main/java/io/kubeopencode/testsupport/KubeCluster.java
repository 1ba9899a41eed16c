package io.kubeopencode.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane for tests: etcd and kube-apiserver through kube-api-test (offline, with the
 * binaries of {@link KubeBinaries}), and on request kube-controller-manager (Job controller and garbage collector)
 * and kwok with kube-scheduler (simulated nodes whose pods follow {@link PodOutcome}). Closing it stops every
 * process it started.
 */
public final class KubeCluster implements AutoCloseable {
  public static final String KWOK_NODE = "kwok-node-0";
  private static final System.Logger LOG = System.getLogger(KubeCluster.class.getName());
  private static KubeCluster shared;

  private final KubeBinaries binaries;
  private final KubeAPIServer apiServer;
  private final Path workDir;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final List<ManagedProcess> processes = new ArrayList<>();
  /** Stops everything if the JVM exits (or is sent SIGTERM) without close(). */
  private final Thread shutdownHook = new Thread(this::close, "kube-cluster-shutdown");
  private boolean closed;
  private boolean jobController;
  private boolean simulatedNodes;

  private KubeCluster(KubeBinaries binaries, KubeAPIServer apiServer, Path workDir, String kubeconfigYaml) {
    this.binaries = binaries;
    this.apiServer = apiServer;
    this.workDir = workDir;
    try {
      this.kubeconfig = Files.writeString(workDir.resolve("kubeconfig"), kubeconfigYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts etcd and kube-apiserver (a few seconds), both listening on 127.0.0.1 only. */
  public static KubeCluster start() {
    return start(Map.of());
  }

  /**
   * As {@link #start()}, with extra kube-apiserver flags (name with its dashes, value), e.g. an audit log for a
   * benchmark. The loopback flags cannot be overridden.
   */
  public static KubeCluster start(Map<String, String> apiServerFlags) {
    KubeBinaries binaries = KubeBinaries.provision();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("kubeopencode-cluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig();
    apiServerFlags.forEach(config::withApiServerFlag);
    KubeAPIServer apiServer = new KubeAPIServer(config
        .withOfflineMode(true)
        .withTestDir(LoopbackEtcd.kubeApiTestDir(binaries, workDir.resolve("kube-api-test")).toString())
        .withApiServerVersion(binaries.kubernetesVersion())
        .withUpdateKubeConfig(false)
        .withStartupTimeout(60_000)
        .withApiServerFlag("--advertise-address", "127.0.0.1")
        .withApiServerFlag("--bind-address", "127.0.0.1")
        .build());
    long started = System.nanoTime();
    try {
      apiServer.start();
      KubeCluster cluster = new KubeCluster(binaries, apiServer, workDir, apiServer.getKubeConfigYaml());
      LOG.log(System.Logger.Level.INFO, "kube-apiserver {0} ready in {1} ms", binaries.kubernetesVersion(),
          (System.nanoTime() - started) / 1_000_000);
      return cluster;
    } catch (RuntimeException e) {
      try {
        apiServer.stop();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      deleteRecursively(workDir);
      throw e;
    }
  }

  /** One cluster per test JVM, stopped when the JVM exits; tests isolate themselves by namespace. */
  public static synchronized KubeCluster shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  public KubernetesClient client() {
    return client;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubeBinaries binaries() {
    return binaries;
  }

  /** Starts kube-controller-manager with the Job controller and the garbage collector (idempotent). */
  public synchronized KubeCluster withJobController() {
    if (!jobController) {
      ManagedProcess kcm = startProcess("kube-controller-manager", List.of(
          binaries.path("kube-controller-manager").toString(),
          "--kubeconfig=" + kubeconfig,
          "--controllers=job-controller,garbage-collector-controller",
          "--use-service-account-credentials=false",
          "--leader-elect=false",
          "--secure-port=0", // no health/metrics port at all; were it enabled, it would stay on loopback:
          "--bind-address=127.0.0.1",
          "--concurrent-job-syncs=10",
          "--concurrent-gc-syncs=10",
          "--v=1"));
      sleep(500);
      kcm.requireAlive();
      jobController = true;
    }
    return this;
  }

  /**
   * Starts kube-scheduler and kwok and registers one simulated node, so pods get scheduled, run and finish as their
   * {@link PodOutcome} annotations say (idempotent).
   */
  public synchronized KubeCluster withSimulatedNodes() {
    if (!simulatedNodes) {
      Path stages = copyResource("kwok-pod-stages.yaml");
      ManagedProcess scheduler = startProcess("kube-scheduler", List.of(
          binaries.path("kube-scheduler").toString(),
          "--kubeconfig=" + kubeconfig,
          "--leader-elect=false",
          "--secure-port=0", // no port; were one enabled, it would stay on loopback:
          "--bind-address=127.0.0.1",
          "--v=1"));
      ManagedProcess kwok = startProcess("kwok", List.of(
          binaries.path("kwok").toString(),
          "--kubeconfig=" + kubeconfig,
          "--config=" + stages,
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
          "--node-lease-duration-seconds=40",
          "--cidr=10.244.0.0/16",
          // The API server dials a node only for logs/exec; keep that on loopback (refused at once).
          "--node-ip=127.0.0.1"));
      client.nodes().resource(SimulatedNode.definition()).create();
      try {
        client.nodes().withName(KWOK_NODE).waitUntilCondition(SimulatedNode::isReady, 60, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        scheduler.requireAlive();
        kwok.requireAlive();
        throw new IllegalStateException("simulated node did not become Ready; kwok log:\n" + kwok.logTail(30), e);
      }
      // The API server taints new nodes not-ready; the node lifecycle controller (not run here) would lift it.
      client.nodes().withName(KWOK_NODE).edit(n -> {
        n.getSpec().setTaints(List.of());
        return n;
      });
      scheduler.requireAlive();
      simulatedNodes = true;
    }
    return this;
  }

  /** Installs the CRDs in {@code dir} (every {@code *.yaml}) and waits until the API server serves them. */
  public void installCrds(Path dir) {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no CRD YAML in " + dir);
    }
    for (Path file : files) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      client.apiextensions().v1().customResourceDefinitions().resource(crd).forceConflicts().serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
  }

  /** Creates a namespace with a unique name starting with {@code prefix}. */
  public String createNamespace(String prefix) {
    String name = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Runs the cluster's kubectl against this API server. */
  public CommandResult kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(binaries.path("kubectl").toString(), "--kubeconfig=" + kubeconfig));
    command.addAll(List.of(args));
    return ChildProcesses.runToEnd(new ProcessBuilder(command), Duration.ofSeconds(60),
        "kubectl " + String.join(" ", args));
  }

  /** Stops kwok, the scheduler, the controller manager, then kube-apiserver and etcd. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ShutdownHooks.remove(shutdownHook);
    try {
      client.close();
    } finally {
      for (ManagedProcess process : processes.reversed()) {
        process.close();
      }
      processes.clear();
      apiServer.stop();
      deleteRecursively(workDir);
    }
  }

  private ManagedProcess startProcess(String name, List<String> command) {
    ManagedProcess process = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  private Path copyResource(String name) {
    try (InputStream in = KubeCluster.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      Path target = workDir.resolve(name);
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }
}
