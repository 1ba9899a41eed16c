package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private containerd runs tiny busybox images with {@code ctr run}. The first test starts and closes one of its
 * own and proves the host is as before; the others share one (only one runs per machine at a time).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("images")
class ContainerdTest {
  private static final String ROOT_TAG = "kubeopencode/busybox-test:root";
  private static final String NONROOT_TAG = "kubeopencode/busybox-test:nonroot";

  @TempDir
  static Path images;

  private static Containerd shared;
  private static Path sharedDir;
  private static String rootImage;
  private static String nonrootImage;

  @BeforeAll
  static void writeImages() {
    // A real node another test class of this JVM started holds the machine's containerd lock until it is closed.
    KubeCluster.closeRealNode();
    BusyboxImage.write(images.resolve("root.tar"), ROOT_TAG, null);
    BusyboxImage.write(images.resolve("nonroot.tar"), NONROOT_TAG, "65532:65532");
  }

  @AfterAll
  static void closeShared() throws IOException {
    if (shared != null) {
      shared.close();
      deleteTree(sharedDir);
    }
  }

  /** Started after the lifecycle test (which needs the machine lock for a containerd of its own). */
  private static synchronized Containerd containerd() {
    if (shared == null) {
      try {
        sharedDir = Files.createTempDirectory("ctrd-test");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      shared = Containerd.start(sharedDir);
      System.out.printf("containerd %s started in %d ms%n", shared.binaries().containerdVersion(),
          shared.startupTime().toMillis());
      rootImage = shared.importImage(images.resolve("root.tar")).getFirst();
      nonrootImage = shared.importImage(images.resolve("nonroot.tar")).getFirst();
    }
    return shared;
  }

  @Test
  @Order(1)
  void closingLeavesNoProcessMountCgroupOrStateBehind(@TempDir Path workDir) {
    Set<Path> cgroupsBefore = new HashSet<>(HostState.cgroupDirectories(2));
    boolean shimRootBefore = Files.exists(Containerd.SHIM_SOCKET_ROOT);
    Set<ProcessHandle> descendantsBefore = descendants();

    Containerd containerd = Containerd.start(workDir);
    long containerdPid = containerd.pid();
    Path socket = containerd.socket();
    RunningContainer service;
    long containerPid;
    Set<Path> cgroupsAdded;
    try {
      assertThat(lockHolder()).as("lock file while running")
          .contains("JVM pid " + ProcessHandle.current().pid()).contains(workDir.toString());
      assertThat(containerd.importImage(images.resolve("root.tar"))).containsExactly("docker.io/" + ROOT_TAG);
      assertThat(containerd.run(RunSpec.of("docker.io/" + ROOT_TAG, "echo", "hello")).stdout()).isEqualTo("hello\n");
      // Left running on purpose: close() has to kill it.
      service = containerd.startContainer(RunSpec.of("docker.io/" + ROOT_TAG, "sleep", "3600").withName("left"));
      Await.until("the task to start", () -> service.pid().isPresent());
      containerPid = service.pid().getAsLong();

      assertThat(ProcessHandle.of(containerdPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
      // The CRI plugin's streaming server (exec, attach for a kubelet) is its only TCP listener.
      assertThat(ListeningSockets.assertLoopbackOnly(containerdPid)).isNotEmpty();
      assertThat(HostState.processesWithArgument(socket.toString())).as("its shim").isNotEmpty();
      assertThat(HostState.mountsUnder(workDir)).as("the container's rootfs").isNotEmpty();
      cgroupsAdded = new HashSet<>(HostState.cgroupDirectories(2));
      cgroupsAdded.removeAll(cgroupsBefore);
      // The container's own cgroup (<parent>/<id>); the parent may predate this test if another JVM's containerd
      // ran just before (it waited for the machine lock).
      assertThat(cgroupsAdded).as("cgroups of the running container")
          .anyMatch(p -> p.getFileName().toString().equals(service.id())
              && p.getParent().getFileName().toString().equals(Containerd.CGROUP_PARENT));
    } finally {
      containerd.close();
    }

    assertThat(ProcessHandle.of(containerdPid).map(ProcessHandle::isAlive)).as("containerd").isNotEqualTo(
        java.util.Optional.of(true));
    assertThat(service.isRunning()).as("ctr run of the container left running").isFalse();
    assertThat(ProcessHandle.of(containerPid).filter(ProcessHandle::isAlive)).as("the container's process")
        .isEmpty();
    assertThat(HostState.processesWithArgument(socket.toString())).as("shims").isEmpty();
    assertThat(descendants()).as("child processes of this JVM").isSubsetOf(descendantsBefore);
    assertThat(HostState.mountsUnder(workDir)).as("mounts under the work directory").isEmpty();
    assertThat(HostState.cgroupDirectories(2)).as("cgroups created while it ran")
        .doesNotContainAnyElementsOf(cgroupsAdded);
    if (lockHolder().isEmpty()) { // else another JVM's containerd runs now, in the same parent
      assertThat(HostState.cgroupDirectories(2)).as("the parent cgroup")
          .noneMatch(p -> p.getFileName().toString().equals(Containerd.CGROUP_PARENT));
    }
    assertThat(Files.exists(Containerd.SHIM_SOCKET_ROOT)).as(Containerd.SHIM_SOCKET_ROOT + " exists")
        .isEqualTo(shimRootBefore);
    // Gone, or (should another JVM wait for the lock) another holder's.
    assertThat(lockHolder()).as("lock file after").doesNotContain(workDir.toString());
    assertThat(workDir.resolve("root")).doesNotExist();
    assertThat(workDir.resolve("state")).doesNotExist();
    assertThat(workDir.resolve("containerd.log")).isNotEmptyFile();
  }

  @Test
  @Order(2)
  void aJvmStoppedWithSigtermLeavesNothingBehind(@TempDir Path workDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dkubeopencode.root=" + KubeBinaries.projectRoot(), ContainerdInChildJvm.class.getName(),
        workDir.toString(), images.resolve("root.tar").toString())
        .redirectErrorStream(true).start();
    long containerdPid;
    long containerPid;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      StringBuilder log = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
        log.append(line).append('\n');
      }
      assertThat(line).as("child JVM output:\n" + log).startsWith("READY ");
      String[] pids = line.split(" ");
      containerdPid = Long.parseLong(pids[1]);
      containerPid = Long.parseLong(pids[2]);
      assertThat(HostState.mountsUnder(workDir)).isNotEmpty();

      child.destroy(); // SIGTERM: the shutdown hook closes the containerd
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    assertThat(ProcessHandle.of(containerdPid).filter(ProcessHandle::isAlive)).as("containerd").isEmpty();
    assertThat(ProcessHandle.of(containerPid).filter(ProcessHandle::isAlive)).as("the container").isEmpty();
    assertThat(HostState.processesWithArgument(workDir.resolve("containerd.sock").toString())).as("shims").isEmpty();
    assertThat(HostState.mountsUnder(workDir)).as("mounts").isEmpty();
    assertThat(HostState.cgroupDirectories(1))
        .noneMatch(p -> p.getFileName().toString().equals(Containerd.CGROUP_PARENT));
    assertThat(workDir.resolve("state")).doesNotExist();
  }

  @Test
  void runsAContainerAndReturnsItsExitCodeStdoutAndStderr() {
    CommandResult result = containerd().run(RunSpec.of(rootImage, "sh", "-c", "echo out; echo err >&2; exit 3"));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    // Arguments that look like flags reach the container.
    assertThat(containerd().run(RunSpec.of(rootImage, "echo", "-n", "hi")).requireSuccess()).isEqualTo("hi");
  }

  @Test
  void importReturnsTheReferencesContainerdGaveTheImages() {
    assertThat(rootImage).isEqualTo("docker.io/" + ROOT_TAG);
    assertThat(nonrootImage).isEqualTo("docker.io/" + NONROOT_TAG);
    // Importing again is harmless and names the same image.
    assertThat(containerd().importImage(images.resolve("root.tar"))).containsExactly(rootImage);
    assertThat(containerd().ctr("images", "ls", "-q").stdout().lines()).contains(rootImage, nonrootImage);
  }

  @Test
  void withoutArgumentsTheImagesCommandRuns() {
    assertThat(containerd().run(RunSpec.of(rootImage)).requireSuccess()).startsWith("uid=0(root) gid=0(root)");
    assertThat(containerd().run(RunSpec.of(nonrootImage)).requireSuccess())
        .startsWith("uid=65532(nonroot) gid=65532(nonroot)");
  }

  @Test
  void passesEnvironmentAndWorkingDirectory() {
    CommandResult result = containerd().run(RunSpec.of(rootImage, "sh", "-c", "echo \"$GREETING\"; pwd")
        .withEnv("GREETING", "hello world").withWorkingDir("/tmp"));

    assertThat(result.requireSuccess()).isEqualTo("hello world\n/tmp\n");
  }

  @Test
  void aReadOnlyRootFileSystemRefusesWrites() {
    RunSpec touch = RunSpec.of(rootImage, "touch", "/written");

    assertThat(containerd().run(touch).exitCode()).as("writable by default").isZero();
    CommandResult readOnly = containerd().run(touch.withReadOnlyRootFs());
    assertThat(readOnly.exitCode()).isNotZero();
    assertThat(readOnly.stderr()).contains("Read-only file system");
  }

  @Test
  void aBindMountIsVisibleInTheContainer(@TempDir Path host) throws IOException {
    Files.writeString(host.resolve("in.txt"), "from the host\n");

    CommandResult result = containerd().run(RunSpec.of(rootImage, "sh", "-c",
        "cat /data/in.txt; echo from the container > /data/out.txt").withBindMount(host, "/data"));

    assertThat(result.requireSuccess()).isEqualTo("from the host\n");
    assertThat(host.resolve("out.txt")).hasContent("from the container");

    CommandResult readOnly = containerd().run(RunSpec.of(rootImage, "sh", "-c", "cat /data/in.txt; touch /data/x")
        .withReadOnlyBindMount(host, "/data"));
    assertThat(readOnly.stdout()).isEqualTo("from the host\n");
    assertThat(readOnly.exitCode()).isNotZero();
    assertThat(host.resolve("x")).doesNotExist();
  }

  @Test
  void runsAsTheNumericUserOfItsImage() {
    assertThat(containerd().run(RunSpec.of(nonrootImage, "id", "-u")).requireSuccess()).isEqualTo("65532\n");
    assertThat(containerd().run(RunSpec.of(nonrootImage, "id", "-g")).requireSuccess()).isEqualTo("65532\n");
    assertThat(containerd().run(RunSpec.of(rootImage, "id", "-u")).requireSuccess()).isEqualTo("0\n");
    // The non-root user cannot write the root directory even with a writable root file system.
    assertThat(containerd().run(RunSpec.of(nonrootImage, "touch", "/written")).exitCode()).isNotZero();
  }

  @Test
  void aMemoryLimitIsEnforced() {
    // The shell keeps a 64 MB command substitution in memory.
    RunSpec hungry = RunSpec.of(rootImage, "sh", "-c",
        "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo ${#x}");

    assertThat(containerd().run(hungry).requireSuccess()).as("without a limit").isEqualTo("67108864\n");
    CommandResult limited = containerd().run(hungry.withMemoryLimit(16L << 20));
    assertThat(limited.exitCode()).as("OOM-killed: 128 + SIGKILL").isEqualTo(137);
    assertThat(limited.stdout()).isEmpty();
  }

  @Test
  void containersHaveOnlyLoopbackUnlessOnTheHostNetwork() {
    assertThat(containerd().run(RunSpec.of(rootImage, "ls", "/sys/class/net")).requireSuccess().split("\\s+"))
        .containsExactly("lo");
    assertThat(containerd().run(RunSpec.of(rootImage, "ls", "/sys/class/net").withHostNetwork()).requireSuccess()
        .split("\\s+")).contains("lo").hasSizeGreaterThan(1);
  }

  @Test
  void aServiceOnTheHostNetworkAnswersOnLoopbackAndStopsOnSigterm(@TempDir Path www) throws IOException {
    Files.writeString(www.resolve("index.html"), "served from a container\n");
    int port = freeLoopbackPort();
    RunSpec httpd = RunSpec.of(rootImage, "sh", "-c",
        "trap 'echo stopping; exit 0' TERM; httpd -f -p 127.0.0.1:" + port + " -h /www & echo started; wait")
        .withReadOnlyBindMount(www, "/www").withReadOnlyRootFs().withHostNetwork().withName("httpd");

    try (RunningContainer service = containerd().startContainer(httpd)) {
      service.awaitOutput("started");
      Await.until("httpd to answer", () -> answers(port));
      Duration toAnswer = service.sinceLaunch();
      assertThat(get(port)).contains("served from a container");
      System.out.printf("busybox httpd answered on 127.0.0.1 %d ms after ctr run was launched%n",
          toAnswer.toMillis());

      CommandResult stopped = service.stop();
      assertThat(stopped.exitCode()).isZero();
      assertThat(stopped.stdout()).contains("stopping");
      assertThat(service.isRunning()).isFalse();
    }
    assertThat(answers(port)).isFalse();
  }

  @Test
  void stopKillsAContainerThatIgnoresSigtermAfterTheGracePeriod() {
    // sleep as the container's first process: SIGTERM has no default action for PID 1.
    RunningContainer stubborn = containerd().startContainer(RunSpec.of(rootImage, "sleep", "3600"));
    Await.until("the task to start", () -> stubborn.pid().isPresent());

    CommandResult result = stubborn.stop(Duration.ofSeconds(1));

    assertThat(result.exitCode()).as("128 + SIGKILL").isEqualTo(137);
    assertThat(containerd().ctr("containers", "ls", "-q").stdout()).doesNotContain(stubborn.id());
  }

  @Test
  void aRunPastItsTimeoutIsKilledAndFails() {
    RunSpec endless = RunSpec.of(rootImage, "sleep", "3600").withTimeout(Duration.ofSeconds(1)).withName("endless");

    assertThatThrownBy(() -> containerd().run(endless))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not finish within PT1S");
    Await.until("the container to be removed",
        () -> !containerd().ctr("containers", "ls", "-q").stdout().contains("endless-"));
  }

  @Test
  void anUnknownImageFailsWithCtrsMessage() {
    CommandResult result = containerd().run(RunSpec.of("docker.io/kubeopencode/no-such-image:1", "true"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).startsWith("ctr: ").contains("not found");
  }

  @Test
  void aSecondContainerdInThisJvmIsRefusedNamingTheLock(@TempDir Path workDir) {
    containerd();

    assertThatThrownBy(() -> Containerd.start(workDir))
        .isInstanceOfSatisfying(ContainerdUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BUSY))
        .hasMessageContaining(Containerd.LOCK_FILE.toString());
  }

  @Test
  void aWorkDirectoryTooDeepForASocketIsRefused(@TempDir Path workDir) {
    Path deep = workDir.resolve("a".repeat(100));

    assertThatThrownBy(() -> Containerd.start(deep))
        .isInstanceOfSatisfying(ContainerdUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SOCKET_PATH_TOO_LONG));
    assertThat(deep).doesNotExist();
  }

  private static String lockHolder() {
    try {
      return Files.exists(Containerd.LOCK_FILE) ? Files.readString(Containerd.LOCK_FILE) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static Set<ProcessHandle> descendants() {
    Set<ProcessHandle> all = new HashSet<>();
    ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(all::add);
    return all;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return socket.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private static String get(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      try (InputStream in = socket.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (dir != null && Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
