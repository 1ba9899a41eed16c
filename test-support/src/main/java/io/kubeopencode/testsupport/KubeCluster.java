package io.kubeopencode.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane for tests: etcd and kube-apiserver through kube-api-test (offline, with the
 * binaries of {@link KubeBinaries}), and on request kube-controller-manager (Job controller and garbage collector)
 * and kwok with kube-scheduler (simulated nodes whose pods follow {@link PodOutcome}); or, with
 * {@link #withRealNode}, one real node running real containers ({@link RealNode}). Closing it stops every process it
 * started.
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
  private RealNode realNode;

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
    return start(apiServerFlags, "127.0.0.1", false, testDir -> { });
  }

  /**
   * The API server advertised at {@code advertiseAddress} (the {@code kubernetes} Service's endpoint), with the
   * ServiceAccount admission if {@code serviceAccounts}; {@code prepare} gets kube-api-test's directory first.
   */
  static KubeCluster start(Map<String, String> apiServerFlags, String advertiseAddress, boolean serviceAccounts,
      Consumer<Path> prepare) {
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
        .withTestDir(LoopbackEtcd.kubeApiTestDir(binaries, kubeApiTestDir(workDir), serviceAccounts).toString())
        .withApiServerVersion(binaries.kubernetesVersion())
        .withUpdateKubeConfig(false)
        .withStartupTimeout(60_000)
        .withApiServerFlag("--advertise-address", advertiseAddress)
        .withApiServerFlag("--bind-address", "127.0.0.1")
        .build());
    long started = System.nanoTime();
    try {
      prepare.accept(kubeApiTestDir(workDir));
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

  /**
   * The cluster with one real node, started once per JVM (shared by every test class, stopped at JVM exit) or the
   * running one: a control plane plus containerd, kubelet, kube-proxy and CoreDNS on this machine, pods schedulable
   * on it at once. Imports every given image tar (OCI or docker archive) into containerd's {@code k8s.io} namespace
   * before the kubelet starts, and the pause (sandbox) image always; later calls import the tars not yet imported.
   * Pods use them with {@code imagePullPolicy: Never} or {@code IfNotPresent}: nothing is ever pulled.
   *
   * @throws RealNodeUnavailableException when this machine cannot run a node, naming what is missing
   * @throws ContainerdUnavailableException when it cannot run containerd
   */
  public static KubeCluster withRealNode(List<Path> imageTars) {
    return RealNode.shared(imageTars);
  }

  /** Stops this JVM's real-node cluster, if one runs (a test that must start one of its own, or none). */
  static void closeRealNode() {
    RealNode.closeShared();
  }

  public boolean hasRealNode() {
    return realNode != null;
  }

  /** The real node's name. */
  public String nodeName() {
    requireRealNode();
    return NodeNetwork.NODE_NAME;
  }

  /**
   * The bridge's gateway IPv4 address: a host address pods reach (and nothing off this machine does). Test servers
   * that pods talk to (git over HTTP, a URL server) listen on it.
   */
  public String podReachableHostAddress() {
    requireRealNode();
    return NodeNetwork.GATEWAY;
  }

  private void requireRealNode() {
    if (realNode == null) {
      throw new IllegalStateException("this cluster has no real node (see KubeCluster.withRealNode)");
    }
  }

  /** The end of the real node's process logs (kubelet, CoreDNS, kube-proxy), for a failing test to print. */
  public String realNodeLogs() {
    requireRealNode();
    return realNode.logTails(40);
  }

  /** The real node started on this cluster; close() stops it first. */
  synchronized void attach(RealNode node) {
    this.realNode = node;
  }

  Path kubeApiTestDir() {
    return kubeApiTestDir(workDir);
  }

  private static Path kubeApiTestDir(Path workDir) {
    return workDir.resolve("kube-api-test");
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
      startControllerManager(List.of("job-controller", "garbage-collector-controller"), List.of());
    }
    return this;
  }

  /** kube-controller-manager with these controllers (the Job controller and the GC among them) and flags. */
  synchronized void startControllerManager(List<String> controllers, List<String> flags) {
    ControlPlaneProcesses.startControllerManager(this, controllers, flags);
    jobController = true;
  }

  ManagedProcess startScheduler() {
    return ControlPlaneProcesses.startScheduler(this);
  }

  /**
   * Starts kube-scheduler and kwok and registers one simulated node, so pods get scheduled, run and finish as their
   * {@link PodOutcome} annotations say (idempotent).
   */
  public synchronized KubeCluster withSimulatedNodes() {
    if (!simulatedNodes) {
      SimulatedNode.start(this);
      simulatedNodes = true;
    }
    return this;
  }

  /** Installs the CRDs in {@code dir} (every {@code *.yaml}) and waits until the API server serves them. */
  public void installCrds(Path dir) {
    Crds.install(client, dir);
  }

  /** Creates a namespace with a unique name starting with {@code prefix}. */
  public String createNamespace(String prefix) {
    String name = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    if (realNode != null) {
      // With the ServiceAccount admission a pod is refused until its namespace's "default" account exists.
      client.serviceAccounts().inNamespace(name).withName("default")
          .waitUntilCondition(java.util.Objects::nonNull, 60, TimeUnit.SECONDS);
    }
    return name;
  }

  /** Runs the cluster's kubectl against this API server. */
  public CommandResult kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(binaries.path("kubectl").toString(), "--kubeconfig=" + kubeconfig));
    command.addAll(List.of(args));
    return ChildProcesses.runToEnd(new ProcessBuilder(command), Duration.ofSeconds(60),
        "kubectl " + String.join(" ", args));
  }

  /**
   * Stops the real node (restoring the host) or kwok, the scheduler, the controller manager, then kube-apiserver and
   * etcd.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ShutdownHooks.remove(shutdownHook);
    try {
      if (realNode != null) {
        realNode.close();
      }
    } finally {
      stopControlPlane();
    }
  }

  private void stopControlPlane() {
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

  /** Starts a process this cluster stops at close, logging to its work directory. */
  ManagedProcess startProcess(String name, List<String> command) {
    ManagedProcess process = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  /** A file in this cluster's work directory (deleted at close). */
  Path workFile(String name) {
    return workDir.resolve(name);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }
}
