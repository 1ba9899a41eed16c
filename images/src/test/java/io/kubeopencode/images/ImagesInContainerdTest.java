package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.RunningContainer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every image runs under a real containerd ({@code ctr run}), as its image user, with a read-only root file system:
 * the programs answer {@code --version} with their CDS archive mapped ({@code -Xshare:on} fails the JVM otherwise),
 * report bad input with their exit codes, do their work writing only to mounted directories, and the services become
 * ready against a real API server. The end-to-end suite (e2e/) runs the same images in pods on a real node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("images")
class ImagesInContainerdTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
  /** The launcher reads it: refuse to start unless the image's CDS archive maps. */
  private static final String SHARE_ON = "-Xshare:on";
  /** The images' entrypoint: ctr's arguments replace the whole command, not only the image's Cmd. */
  private static final List<String> ENTRYPOINT = List.of("/opt/java/bin/java", "@/app/java.args");

  private Path work;
  private Containerd containerd;
  private final List<String> refs = new ArrayList<>();

  @BeforeAll
  void startContainerdAndImportEveryImage() throws IOException {
    work = Files.createTempDirectory("images-in-containerd");
    containerd = Containerd.start(work.resolve("containerd"));
    for (ShippedImage image : ShippedImage.values()) {
      refs.addAll(containerd.importImage(image.tar()));
    }
    refs.addAll(containerd.importImage(TestImages.tar(TestImages.PAUSE_TAR)));
    refs.addAll(containerd.importImage(TestImages.tar(TestImages.AGENT_TAR)));
  }

  @AfterAll
  void stopContainerd() throws IOException {
    if (containerd != null) {
      containerd.close();
    }
    UnpackedImage.run(List.of("rm", "-rf", work.toString()));
  }

  @Test
  void importsEveryImageUnderTheReferenceOfThePom() {
    for (ShippedImage image : ShippedImage.values()) {
      assertThat(refs).contains(image.reference());
    }
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void answersVersionWithItsCdsArchiveMappedAsNonRootOnAReadOnlyRootFileSystem(ShippedImage image) {
    CommandResult result = containerd.run(RunSpec.of(image.reference(), command("--version"))
        .withEnv("JDK_JAVA_OPTIONS", SHARE_ON).withReadOnlyRootFs().withTimeout(RUN_TIMEOUT));

    assertThat(result.exitCode()).as("exit code; %s", result).isZero();
    assertThat(result.stdout()).contains("KubeOpenCode ::").contains(ShippedImage.property("image.tag"));
  }

  @Test
  void gitInitRunsAsUser65532AndFailsWithItsConfigurationExitCodeWithoutARepository() {
    CommandResult result = containerd.run(RunSpec.of(ShippedImage.GIT_INIT.reference())
        .withReadOnlyRootFs().withTimeout(RUN_TIMEOUT));

    assertThat(result.exitCode()).as("%s", result).isNotZero();
    assertThat(result.stdout() + result.stderr()).contains("GIT_REPO");
  }

  @Test
  void contextInitRefusesAnUnknownRoleWithExitCode2() {
    CommandResult result = containerd.run(RunSpec.of(ShippedImage.CONTEXT_INIT.reference(), command("no-such-role"))
        .withReadOnlyRootFs().withTimeout(RUN_TIMEOUT));

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stdout() + result.stderr()).contains("usage: first argument must be the role");
  }

  @Test
  void gitInitClonesFromAGitDaemonIntoAMountedDirectory(@TempDir Path dir) throws Exception {
    Path repos = Files.createDirectories(dir.resolve("repos"));
    git(repos, "init", "-q", "-b", "main", "demo");
    Files.writeString(repos.resolve("demo/README.md"), "hello from the image test\n");
    git(repos.resolve("demo"), "add", "README.md");
    git(repos.resolve("demo"), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one");
    Path out = writableByAnyone(Files.createDirectories(dir.resolve("out")));
    int port = freePort();
    Process daemon = new ProcessBuilder("git", "daemon", "--export-all", "--base-path=" + repos,
        "--listen=127.0.0.1", "--port=" + port, "--reuseaddr", repos.toString()).inheritIO().start();
    try {
      awaitPort(port);
      CommandResult result = containerd.run(RunSpec.of(ShippedImage.GIT_INIT.reference())
          .withEnv("GIT_REPO", "git://127.0.0.1:" + port + "/demo").withEnv("GIT_ROOT", "/git")
          .withEnv("JDK_JAVA_OPTIONS", SHARE_ON).withBindMount(out, "/git").withHostNetwork()
          .withReadOnlyRootFs().withTimeout(RUN_TIMEOUT));

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(out.resolve("repo/README.md")).hasContent("hello from the image test");
      assertThat(Files.getAttribute(out.resolve("repo/README.md"), "unix:uid")).isEqualTo(65532);
    } finally {
      daemon.destroy();
      daemon.waitFor();
    }
  }

  @Test
  void contextInitStagesAConfigMapFileIntoAMountedWorkspace(@TempDir Path dir) throws IOException {
    Path context = Files.createDirectories(dir.resolve("context"));
    Files.writeString(context.resolve("task.md"), "do the thing\n");
    Path workspace = writableByAnyone(Files.createDirectories(dir.resolve("workspace")));
    CommandResult result = containerd.run(RunSpec.of(ShippedImage.CONTEXT_INIT.reference())
        .withEnv("WORKSPACE_DIR", "/workspace").withEnv("CONFIGMAP_PATH", "/kubeopencode/context")
        .withEnv("FILE_MAPPINGS", "[{\"key\":\"task.md\",\"targetPath\":\"/workspace/task.md\",\"fileMode\":420}]")
        .withEnv("JDK_JAVA_OPTIONS", SHARE_ON).withReadOnlyBindMount(context, "/kubeopencode/context")
        .withBindMount(workspace, "/workspace").withReadOnlyRootFs().withTimeout(RUN_TIMEOUT));

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(workspace.resolve("task.md")).hasContent("do the thing");
  }

  @ParameterizedTest
  @EnumSource(value = ShippedImage.class, names = {"CONTROLLER", "CLEANUP"})
  void theServiceBecomesReadyAgainstARealApiServer(ShippedImage image) throws Exception {
    KubeCluster cluster = KubeCluster.shared();
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    int port = freePort();
    // One file with the certificates in it, readable by the image's user (the cluster's refers to root's files).
    Path kubeconfig = Files.writeString(work.resolve("kubeconfig-" + image.imageName()),
        cluster.kubectl("config", "view", "--raw", "--flatten").requireSuccess());
    Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
    RunSpec spec = RunSpec.of(image.reference()).withEnv("KUBECONFIG", "/kube/config")
        .withEnv("SERVER_PORT", Integer.toString(port)).withEnv("SERVER_HOST", "127.0.0.1")
        .withEnv("LEADER_ELECTION_ENABLED", "false")
        .withEnv("JDK_JAVA_OPTIONS", SHARE_ON).withReadOnlyBindMount(kubeconfig, "/kube/config")
        .withHostNetwork().withReadOnlyRootFs().withTimeout(Duration.ofSeconds(30));
    try (RunningContainer container = containerd.startContainer(spec)) {
      Duration ready = awaitReady(container, port);
      System.out.printf("[images] %s: ready %d ms after ctr run (not a benchmark: hack/bench-image-startup.sh)%n",
          image.imageName(), ready.toMillis());

      CommandResult stopped = container.stop(Duration.ofSeconds(30));
      // 143: the JVM's exit on SIGTERM once its shutdown hook (ShutdownCoordinator) is done.
      assertThat(stopped.exitCode()).as("exit code after SIGTERM; %s", stopped).isEqualTo(143);
      assertThat(stopped.stderr()).contains("shutdown complete");
    }
  }

  private static String[] command(String... args) {
    List<String> command = new ArrayList<>(ENTRYPOINT);
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  private static Duration awaitReady(RunningContainer container, int port) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(container.isRunning()).as("the container runs; stderr: %s", container.stderr()).isTrue();
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2) {
          return container.sinceLaunch();
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not ready within 2 minutes; stdout: " + container.stdout() + " stderr: "
        + container.stderr());
  }

  private static Path writableByAnyone(Path dir) throws IOException {
    return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket ignored = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("git daemon did not listen on 127.0.0.1:" + port);
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    assertThat(process.waitFor()).as("git %s", String.join(" ", args)).isZero();
  }
}
