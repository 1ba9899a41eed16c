package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A private containerd for tests: its own configuration, root, state and gRPC socket under a work directory, started
 * as a child process and stopped by PID. Image tars go in with {@link #importImage(Path)}; containers run with
 * {@code ctr run} ({@link #run(RunSpec)}, or {@link #startContainer(RunSpec)} for a service to stop with SIGTERM).
 *
 * <p>One runs per machine at a time: {@link #start(Path)} waits for a machine-wide lock. {@link #close()} removes
 * every container, stops containerd, and restores the host: no process, mount, cgroup or directory of its own stays
 * behind (it fails naming what it could not remove). The CRI plugin is configured as a kubelet needs it on these
 * machines ({@code restrict_oom_score_adj}, no AppArmor, cgroupfs), so a local node can use the same containerd.
 *
 * <p>Facts of containerd 1.6 and ctr that shape it: ctr has no {@code --user} (a container runs as its image's
 * user); {@code ctr run} mounts no /sys/fs/cgroup (a JVM in it does not see its memory limit); containers get their
 * own network namespace with loopback only unless {@link RunSpec#withHostNetwork()}; shims keep their sockets in
 * /run/containerd/s whatever the state directory (that directory is removed again if it was not there before).
 */
public final class Containerd implements AutoCloseable {
  /** Every container's cgroup is {@code /kubeopencode-containerd/<id>} in each hierarchy. */
  public static final String CGROUP_PARENT = "kubeopencode-containerd";
  /** The CRI plugin's namespace: images imported there are what a kubelet on this containerd sees. */
  public static final String DEFAULT_NAMESPACE = "k8s.io";
  /** Built by this project's images module; never pulled (there is no registry). */
  public static final String DEFAULT_SANDBOX_IMAGE = "kubeopencode/pause:" + ContainerdConfig.projectVersion();

  static final Path LOCK_FILE = MachineLock.defaultFile("kubeopencode-containerd.lock");
  /** containerd 1.6 puts shim sockets in /run/containerd/s whatever its configured state directory. */
  static final Path SHIM_SOCKET_ROOT = Path.of("/run/containerd");
  private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger(Containerd.class.getName());

  /**
   * How to run it. {@code cniBinDir}/{@code cniConfDir} null: empty directories under the work directory (no pod
   * networking; containers run by ctr need none).
   */
  public record Options(String namespace, String sandboxImage, Path cniBinDir, Path cniConfDir,
      Duration startTimeout, Duration lockTimeout) {
    public static Options defaults() {
      return new Options(DEFAULT_NAMESPACE, DEFAULT_SANDBOX_IMAGE, null, null, Duration.ofSeconds(60),
          Duration.ofMinutes(10));
    }

    public Options withNamespace(String namespace) {
      return new Options(namespace, sandboxImage, cniBinDir, cniConfDir, startTimeout, lockTimeout);
    }

    public Options withSandboxImage(String image) {
      return new Options(namespace, image, cniBinDir, cniConfDir, startTimeout, lockTimeout);
    }

    public Options withCni(Path binDir, Path confDir) {
      return new Options(namespace, sandboxImage, binDir, confDir, startTimeout, lockTimeout);
    }

    /** How long {@link #start} waits for containerd's socket (a liveness limit). */
    public Options withStartTimeout(Duration timeout) {
      return new Options(namespace, sandboxImage, cniBinDir, cniConfDir, timeout, lockTimeout);
    }

    /** How long {@link #start} waits for another private containerd on this machine to finish. */
    public Options withLockTimeout(Duration timeout) {
      return new Options(namespace, sandboxImage, cniBinDir, cniConfDir, startTimeout, timeout);
    }
  }

  /** A bind mount: {@code source} on the host at {@code target} in the container. */
  public record BindMount(Path source, String target, boolean readOnly) {
    String flag() {
      for (String part : List.of(source.toString(), target)) {
        if (part.contains(",") || part.contains("\"") || part.contains("=")) {
          throw new IllegalArgumentException("ctr's --mount cannot express the path " + part);
        }
      }
      return "type=bind,src=" + source.toAbsolutePath() + ",dst=" + target + ",options=rbind:"
          + (readOnly ? "ro" : "rw");
    }
  }

  /**
   * One {@code ctr run}. {@code args} empty: the image's entrypoint and command; otherwise they replace both (ctr's
   * semantics, unlike docker's). The container's stdin is open and never ends ({@code ctr run} does not close it):
   * a program that reads it waits until the timeout. {@code memoryLimitBytes} 0: none. {@code timeout}: a liveness limit for
   * {@link #run(RunSpec)} (the container is killed and the run fails when it is exceeded) and the grace period of
   * {@link RunningContainer#stop()}. {@code name}: the container id's prefix.
   */
  public record RunSpec(String image, List<String> args, Map<String, String> env, boolean readOnlyRootFs,
      List<BindMount> mounts, boolean hostNetwork, long memoryLimitBytes, String workingDir, Duration timeout,
      String name) {
    public RunSpec {
      args = List.copyOf(args);
      env = Map.copyOf(env);
      mounts = List.copyOf(mounts);
      if (!CONTAINER_NAME.matcher(name).matches() || name.length() > 40) {
        throw new IllegalArgumentException("not a container name prefix: " + name);
      }
    }

    public static RunSpec of(String image, String... args) {
      return new RunSpec(image, List.of(args), Map.of(), false, List.of(), false, 0, null, Duration.ofMinutes(2),
          "kubeopencode");
    }

    public RunSpec withArgs(String... newArgs) {
      return new RunSpec(image, List.of(newArgs), env, readOnlyRootFs, mounts, hostNetwork, memoryLimitBytes,
          workingDir, timeout, name);
    }

    public RunSpec withEnv(String variable, String value) {
      Map<String, String> more = new LinkedHashMap<>(env);
      more.put(variable, value);
      return new RunSpec(image, args, more, readOnlyRootFs, mounts, hostNetwork, memoryLimitBytes, workingDir,
          timeout, name);
    }

    public RunSpec withReadOnlyRootFs() {
      return new RunSpec(image, args, env, true, mounts, hostNetwork, memoryLimitBytes, workingDir, timeout, name);
    }

    public RunSpec withBindMount(Path source, String target) {
      return withMount(new BindMount(source, target, false));
    }

    public RunSpec withReadOnlyBindMount(Path source, String target) {
      return withMount(new BindMount(source, target, true));
    }

    private RunSpec withMount(BindMount mount) {
      List<BindMount> more = new ArrayList<>(mounts);
      more.add(mount);
      return new RunSpec(image, args, env, readOnlyRootFs, more, hostNetwork, memoryLimitBytes, workingDir, timeout,
          name);
    }

    /** The host's network namespace (a server in the container is reachable on the host's 127.0.0.1). */
    public RunSpec withHostNetwork() {
      return new RunSpec(image, args, env, readOnlyRootFs, mounts, true, memoryLimitBytes, workingDir, timeout, name);
    }

    public RunSpec withMemoryLimit(long bytes) {
      return new RunSpec(image, args, env, readOnlyRootFs, mounts, hostNetwork, bytes, workingDir, timeout, name);
    }

    public RunSpec withWorkingDir(String dir) {
      return new RunSpec(image, args, env, readOnlyRootFs, mounts, hostNetwork, memoryLimitBytes, dir, timeout, name);
    }

    public RunSpec withTimeout(Duration limit) {
      return new RunSpec(image, args, env, readOnlyRootFs, mounts, hostNetwork, memoryLimitBytes, workingDir, limit,
          name);
    }

    public RunSpec withName(String prefix) {
      return new RunSpec(image, args, env, readOnlyRootFs, mounts, hostNetwork, memoryLimitBytes, workingDir,
          timeout, prefix);
    }
  }

  private final ContainerdConfig config;
  private final Options options;
  private final ContainerdBinaries binaries;
  private final MachineLock lock;
  private final ContainerdTeardown teardown;
  private final CtrClient ctrClient;
  private final Set<RunningContainer> containers = ConcurrentHashMap.newKeySet();
  private final Set<String> seenNamespaces = ConcurrentHashMap.newKeySet();
  private final Thread shutdownHook = new Thread(this::close, "containerd-shutdown");
  private ContainerdDaemon daemon;
  private Duration startupTime;
  private boolean closed;

  private Containerd(ContainerdConfig config, Options options, ContainerdBinaries binaries, MachineLock lock) {
    this.config = config;
    this.options = options;
    this.binaries = binaries;
    this.lock = lock;
    this.teardown = new ContainerdTeardown(config);
    this.ctrClient = new CtrClient(binaries.ctr(), config, options.namespace());
  }

  /** As {@link #start(Path, Options)} with {@link Options#defaults()}. */
  public static Containerd start(Path workDir) {
    return start(workDir, Options.defaults());
  }

  /**
   * Provisions containerd ({@code hack/containerd.sh}), takes the machine-wide lock (waiting for another private
   * containerd to finish), writes {@code config.toml} and starts containerd with its state under {@code workDir}.
   *
   * @throws ContainerdUnavailableException when this machine cannot run it, naming why
   */
  public static Containerd start(Path workDir, Options options) {
    ContainerdConfig config = new ContainerdConfig(workDir.toAbsolutePath().normalize(), options);
    ContainerdRequirements.check(config);
    ContainerdBinaries binaries = ContainerdBinaries.provision();
    MachineLock lock = lockMachine(config.workDir(), options.lockTimeout());
    Containerd containerd;
    try {
      containerd = new Containerd(config, options, binaries, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    try {
      containerd.launch();
      return containerd;
    } catch (RuntimeException e) {
      try {
        containerd.close();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  /** Creates the work directory and takes the machine-wide lock, naming this JVM and the directory as its holder. */
  private static MachineLock lockMachine(Path dir, Duration timeout) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return MachineLock.acquire(LOCK_FILE, timeout,
        "JVM pid " + ProcessHandle.current().pid() + ", work directory " + dir);
  }

  private void launch() {
    Path configFile = config.write();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    daemon = ContainerdDaemon.launch(binaries, configFile, config.logFile());
    startupTime = daemon.awaitSocket(config.socket(), options.startTimeout());
    CommandResult version = ctr(Duration.ofSeconds(60), "version");
    if (version.exitCode() != 0) {
      throw new ContainerdUnavailableException(Reason.DID_NOT_START, "ctr version failed: "
          + version.stderr().strip() + "; containerd's log ends:\n" + daemon.logTail(20));
    }
    LOG.log(System.Logger.Level.INFO, "containerd {0} serving {1} after {2} ms", binaries.containerdVersion(),
        config.socket(), startupTime.toMillis());
  }

  /** The gRPC socket (for {@code ctr -a}, or a kubelet's {@code containerRuntimeEndpoint}). */
  public Path socket() {
    return config.socket();
  }

  public String namespace() {
    return options.namespace();
  }

  public Path workDir() {
    return config.workDir();
  }

  public Path logFile() {
    return config.logFile();
  }

  public ContainerdBinaries binaries() {
    return binaries;
  }

  /** From launching containerd to its socket being there. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The containerd daemon's PID. */
  public long pid() {
    return daemon.pid();
  }

  /**
   * Imports an OCI or docker-archive tar into this containerd's namespace (unpacked, ready to run) and returns the
   * image references it created, as containerd names them ({@code docker.io/...}).
   */
  public List<String> importImage(Path tar) {
    return ctrClient.importImage(tar);
  }

  /**
   * Runs a container to its end ({@code ctr run --rm}) and returns its exit code, stdout and stderr. Past the
   * spec's timeout the container is killed and this fails. ctr's own failures (an unknown image) exit with 1 and
   * a stderr starting with {@code ctr:}.
   */
  public CommandResult run(RunSpec spec) {
    RunningContainer container = startContainer(spec);
    CommandResult result = container.awaitExit(spec.timeout());
    if (result == null) {
      container.kill();
      container.awaitExit(Await.LIVENESS);
      throw new IllegalStateException("container " + container.id() + " (" + spec.image() + " " + spec.args()
          + ") did not finish within " + spec.timeout() + " and was killed; stdout: "
          + ChildProcesses.tail(container.stdout()) + "; stderr: " + ChildProcesses.tail(container.stderr()));
    }
    return result;
  }

  /**
   * Starts a container ({@code ctr run --rm} as a child process) and returns at once; its stdout and stderr go to
   * files under the work directory. Stop it with {@link RunningContainer#stop()} (SIGTERM).
   */
  public RunningContainer startContainer(RunSpec spec) {
    requireOpen();
    String id = spec.name() + "-" + SEQUENCE.incrementAndGet() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    Path outputs = config.containersDir();
    Path pidFile = outputs.resolve(id + ".pid");
    RunningContainer container = RunningContainer.start(this, id, spec, ctrClient.runCommand(id, spec, pidFile),
        outputs.resolve(id + ".stdout"), outputs.resolve(id + ".stderr"), pidFile);
    containers.add(container);
    return container;
  }

  /** Runs {@code ctr -a <socket> -n <namespace> args...} (a liveness limit of five minutes). */
  public CommandResult ctr(String... args) {
    return ctr(Duration.ofMinutes(5), args);
  }

  CommandResult ctr(Duration timeout, String... args) {
    return ctrClient.run(timeout, args);
  }

  void forget(RunningContainer container) {
    containers.remove(container);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this containerd is closed");
    }
  }

  /**
   * Kills and removes every container (in every namespace), stops containerd (SIGTERM, then SIGKILL), ends any shim
   * of it still running, unmounts what is left mounted under the work directory, removes the cgroups and
   * directories it created, deletes its root and state, and releases the machine lock. The work directory keeps
   * config.toml, containerd.log and the containers' outputs. Fails, after doing all it can, naming anything it
   * could not restore.
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
      removeContainersAndStop(problems);
      teardown.restoreHost(cgroupNamesToRemove(), problems);
    } finally {
      lock.close();
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("containerd in " + config.workDir() + " closed, but: "
          + String.join("; ", problems));
    }
  }

  /** Each step runs whatever the previous ones did: a failure is recorded, never a reason to leave more behind. */
  private void removeContainersAndStop(List<String> problems) {
    ContainerdTeardown.step(problems, "stopping its containers", () -> {
      for (RunningContainer container : List.copyOf(containers)) {
        container.abandon();
      }
    });
    ContainerdTeardown.step(problems, "removing its containers", () -> {
      if (daemon != null && daemon.isAlive()) {
        removeAllContainers(problems);
      }
    });
    ContainerdTeardown.step(problems, "stopping containerd", () -> {
      if (daemon != null) {
        daemon.close();
      }
    });
  }

  private void removeAllContainers(List<String> problems) {
    Set<String> namespaces = ctrClient.namespaces();
    seenNamespaces.addAll(namespaces);
    for (String namespace : namespaces) {
      ctrClient.removeContainersIn(namespace, problems);
    }
  }

  /**
   * A kubelet on this containerd puts its pods under {@code name} (its cgroupRoot): close() kills what is left
   * there and removes those cgroups as its own.
   */
  void ownCgroupParent(String name) {
    teardown.ownCgroupParent(name);
  }

  /** Whoever owns this containerd stops it in a shutdown hook of its own (in the order it needs). */
  void removeShutdownHook() {
    ShutdownHooks.remove(shutdownHook);
  }

  /** The parent of every container's cgroup, and ctr's default parent (the namespace) should a caller use it. */
  private List<String> cgroupNamesToRemove() {
    Set<String> names = new HashSet<>(seenNamespaces);
    names.add(options.namespace());
    names.addAll(teardown.ownedCgroupParents());
    return List.copyOf(names);
  }
}
