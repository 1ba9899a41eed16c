package io.kubeopencode.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One real Kubernetes node on this machine, for end-to-end tests: a private {@link Containerd} (with the bridge CNI
 * network of {@link CniConfig}), the kubelet ({@link KubeletConfig}), kube-proxy ({@link KubeProxy}) and CoreDNS
 * ({@link CoreDns}) on the host, attached to a {@link KubeCluster} whose API server is advertised on the bridge
 * ({@link ApiServerRelay}). Addresses and names: {@link NodeNetwork}. One runs per machine at a time (a lock of its
 * own, taken before containerd's).
 *
 * <p>{@link #close()} leaves the host as a {@link HostSnapshot} taken at start found it: node processes ended by PID,
 * containers, shims, mounts and cgroups by containerd's teardown, then the bridge, iptables, sysctls and the
 * directories created outside the work directory ({@link HostRestore}), then the work directory.
 */
final class RealNode implements AutoCloseable {
  static final Path LOCK_FILE = MachineLock.defaultFile("kubeopencode-node.lock");
  private static final System.Logger LOG = System.getLogger(RealNode.class.getName());
  /**
   * What a real cluster needs for pods and Services (tokens and their CA, EndpointSlices, namespace deletion) and for
   * the product installed as users install it (Deployments).
   */
  private static final List<String> CONTROLLERS = List.of("job-controller", "garbage-collector-controller",
      "serviceaccount-controller", "root-ca-certificate-publisher-controller", "endpointslice-controller",
      "namespace-controller", "deployment-controller", "replicaset-controller");
  private static RealNode shared;

  private final Path workDir;
  private final MachineLock lock;
  private final NodeBinaries binaries;
  private final HostSnapshot before;
  private final Path kubeletDir;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::close, "real-node-shutdown");
  private KubeCluster cluster;
  private Containerd containerd;
  private NodeImages images;
  private ApiServerRelay relay;
  private ManagedProcess kubelet;
  private KubeProxy kubeProxy;
  private boolean closed;

  private RealNode(Path workDir, MachineLock lock, NodeBinaries binaries) {
    this.workDir = workDir;
    this.lock = lock;
    this.binaries = binaries;
    this.before = HostSnapshot.take();
    this.kubeletDir = workDir.resolve("kubelet");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** {@link KubeCluster#withRealNode}: the running cluster with its node, or a new one. */
  static synchronized KubeCluster shared(List<Path> imageTars) {
    if (shared == null || shared.isClosed()) {
      shared = startCluster(imageTars);
    } else {
      shared.importImages(imageTars);
    }
    return shared.cluster;
  }

  /** Stops the shared cluster, if one runs (a test that must start one of its own, or none). */
  static synchronized void closeShared() {
    if (shared != null) {
      shared.cluster.close(); // closes the node first
      shared = null;
    }
  }

  /** As {@link KubeCluster#withRealNode}: checks the machine, takes the lock, starts everything; or fails, clean. */
  private static RealNode startCluster(List<Path> imageTars) {
    long started = System.nanoTime();
    NodeBinaries.checkMachine();
    NodeBinaries binaries = NodeBinaries.provision();
    KubeBinaries.provision();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("kubeopencode-node");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MachineLock lock;
    try {
      lock = MachineLock.acquire(LOCK_FILE, Duration.ofMinutes(10),
          "real node of JVM pid " + ProcessHandle.current().pid() + ", work directory " + workDir);
    } catch (ContainerdUnavailableException busy) {
      throw new RealNodeUnavailableException(RealNodeUnavailableException.Reason.BUSY,
          "only one real node runs per machine: " + busy.getMessage());
    }
    RealNode node;
    try {
      node = new RealNode(workDir, lock, binaries);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    try {
      node.launch(imageTars);
      LOG.log(System.Logger.Level.INFO, "real node {0} ready in {1} ms", NodeNetwork.NODE_NAME,
          (System.nanoTime() - started) / 1_000_000);
      return node;
    } catch (RuntimeException e) {
      try {
        node.close();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  private void launch(List<Path> imageTars) {
    containerd = Containerd.start(workDir, Containerd.Options.defaults()
        .withCni(binaries.cniBinDir(), workDir.resolve("cni-conf")));
    containerd.removeShutdownHook(); // this node's hook stops it, after the kubelet
    images = new NodeImages(containerd);
    containerd.ownCgroupParent(NodeNetwork.CGROUP_ROOT);
    createCgroupRoot();
    CniConfig.write(workDir.resolve("cni-conf"), workDir.resolve("cni-ipam"));
    NodeBridge.create();
    importImages(imageTars);
    cluster = KubeCluster.start(Map.of("--kubelet-preferred-address-types", "Hostname"),
        NodeNetwork.GATEWAY, true, ApiServerCertificates::write);
    cluster.attach(this);
    try {
      relay = ApiServerRelay.start(NodeNetwork.GATEWAY, cluster.client().getMasterUrl().getPort());
      cluster.startControllerManager(CONTROLLERS,
          List.of("--root-ca-file=" + ApiServerCertificates.caFile(cluster.kubeApiTestDir())));
      cluster.startScheduler();
      startNodeProcesses(cluster.kubeconfig());
      awaitReady(cluster.client());
    } catch (RuntimeException e) {
      try {
        cluster.close(); // closes this node too
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  /**
   * The kubelet refuses a cgroupRoot missing in any hierarchy; a new cpuset cgroup has no CPUs or memory nodes until
   * given its parent's. Made after containerd started: its teardown removes what was not there before.
   */
  private static void createCgroupRoot() {
    for (Path hierarchy : HostState.cgroupHierarchies()) {
      Path dir = hierarchy.resolve(NodeNetwork.CGROUP_ROOT);
      try {
        Files.createDirectories(dir);
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
          if (Files.exists(dir.resolve(file)) && HostState.readPseudoFile(dir.resolve(file)).isBlank()) {
            Files.writeString(dir.resolve(file), HostState.readPseudoFile(hierarchy.resolve(file)).strip());
          }
        }
      } catch (IOException e) {
        throw new RealNodeUnavailableException(RealNodeUnavailableException.Reason.DID_NOT_START,
            "cannot create the cgroup " + dir + ": " + e);
      }
    }
  }

  private void startNodeProcesses(Path kubeconfig) {
    processes.add(CoreDns.start(binaries.coredns(), workDir.resolve("coredns"), kubeconfig));
    KubeletConfig config = new KubeletConfig(kubeletDir, containerd.socket(), kubeconfig);
    kubelet = ManagedProcess.start("kubelet", config.write(binaries.kubelet()), workDir.resolve("kubelet.log"));
    processes.add(kubelet);
    kubeProxy = KubeProxy.start(binaries.kubeProxy(), workDir.resolve("kube-proxy"), kubeconfig);
  }

  /**
   * The node Ready, its not-ready taint gone (the API server adds it to a new node; no node lifecycle controller
   * runs to lift it), the default namespace's ServiceAccount and the {@code kubernetes} Service's EndpointSlice
   * there: pods can be scheduled, get a token and reach the API server.
   */
  private void awaitReady(KubernetesClient client) {
    try {
      client.nodes().withName(NodeNetwork.NODE_NAME).waitUntilCondition(SimulatedNode::isReady, 120,
          TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      requireAlive();
      throw new RealNodeUnavailableException(RealNodeUnavailableException.Reason.DID_NOT_START,
          "the node did not become Ready: " + e.getMessage() + "; kubelet log:\n" + kubelet.logTail(30));
    }
    SimulatedNode.removeTaints(client, NodeNetwork.NODE_NAME);
    client.serviceAccounts().inNamespace("default").withName("default")
        .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    Await.until("the kubernetes Service's EndpointSlice", () -> !client.discovery().v1().endpointSlices()
        .inNamespace("default").withLabel("kubernetes.io/service-name", "kubernetes").list().getItems().isEmpty());
    requireAlive();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** The end of each node process's log: what a test failing on the node prints. */
  String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (ManagedProcess process : processes) {
      out.append("--- ").append(process.name()).append(":\n").append(process.logTail(lines)).append('\n');
    }
    if (kubeProxy != null) {
      out.append("--- kube-proxy:\n").append(kubeProxy.process().logTail(lines)).append('\n');
    }
    return out.toString();
  }

  private void requireAlive() {
    processes.forEach(ManagedProcess::requireAlive);
    kubeProxy.process().requireAlive();
  }

  /** Imports the tars not imported yet (and the sandbox image if none had it). */
  void importImages(List<Path> tars) {
    images.importAll(tars);
  }

  /**
   * Stops the kubelet, kube-proxy (and removes its rules), CoreDNS and the relay, closes containerd (containers,
   * shims, mounts under the work directory, the pods' cgroups), deletes the bridge, restores iptables, sysctls and
   * directories, deletes the work directory and releases the lock. Every step runs whatever the previous did; fails
   * at the end naming what it could not restore.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ShutdownHooks.remove(shutdownHook);
    List<String> problems = new ArrayList<>();
    try {
      stopProcesses(problems);
      ContainerdTeardown.step(problems, "deleting the bridge", () -> NodeBridge.delete(problems));
      HostRestore.restore(before, KubeletConfig.podLogsDir(kubeletDir), problems);
      ContainerdTeardown.step(problems, "deleting " + workDir, () -> {
        if (HostState.mountsUnder(workDir).isEmpty()) {
          ContainerdTeardown.deleteRecursively(workDir, problems);
        } else {
          problems.add("still mounted under " + workDir + ": " + HostState.mountsUnder(workDir));
        }
      });
    } finally {
      lock.close();
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("real node in " + workDir + " closed, but: " + String.join("; ", problems));
    }
  }

  private void stopProcesses(List<String> problems) {
    for (ManagedProcess process : processes.reversed()) {
      ContainerdTeardown.step(problems, "stopping a node process", process::close);
    }
    ContainerdTeardown.step(problems, "stopping kube-proxy", () -> {
      if (kubeProxy != null) {
        String failure = kubeProxy.stopAndCleanUp();
        if (failure != null) {
          problems.add(failure);
        }
      }
    });
    ContainerdTeardown.step(problems, "closing the API server relay", () -> {
      if (relay != null) {
        relay.close();
      }
    });
    ContainerdTeardown.step(problems, "closing containerd", () -> {
      if (containerd != null) {
        containerd.close();
      }
    });
  }
}
