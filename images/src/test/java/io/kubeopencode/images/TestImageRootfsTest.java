package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeopencode.images.AgentRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' file systems run the way a pod runs them, without a container runtime: the layers unpacked into a
 * directory, each container's process started with chroot, the image's environment and user, and what the
 * controller adds. Needs root (chroot); skipped otherwise. The runs under containerd and a kubelet come later.
 */
class TestImageRootfsTest {
  /** The agent container's command when the Agent sets none: AgentContainers.DEFAULT_COMMAND of the controller. */
  static final List<String> DEFAULT_COMMAND =
      List.of("sh", "-c", "/tools/opencode run \"$(cat ${WORKSPACE_DIR}/task.md)\"");
  private static final Path CHROOT = Path.of("/usr/sbin/chroot");

  @TempDir
  Path tmp;

  /**
   * chroot needs root, which the build machines are (the containerd and git-init tests need it too); these ran in
   * every suite run here (0 skipped). An unprivileged developer box skips them, the tars are still checked by
   * TestImageTarsTest.
   */
  @BeforeEach
  void needsRoot() throws IOException {
    assumeThat(Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
        .findFirst().orElse("").split("\\s+")[1]).as("running as root (chroot)").isEqualTo("0");
    assumeThat(CHROOT).isExecutable();
  }

  @Test
  void agentImageInstallsItselfIntoToolsAndRunsTheTaskAsTheExecutor() throws Exception {
    ImageTar image = ImageTar.read(TestImages.tar(TestImages.AGENT_TAR));
    Path root = tmp.resolve("agent-root");
    Tar.extract(image.files(), root);
    Path workspace = Files.createDirectories(root.resolve("workspace"));
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx")); // as an emptyDir
    Files.setPosixFilePermissions(root.resolve("tools"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Map<String, String> imageEnv = new LinkedHashMap<>();
    image.config().path("config").path("Env").forEach(e -> {
      String[] pair = e.asText().split("=", 2);
      imageEnv.put(pair[0], pair[1]);
    });
    JsonNode config = image.config().path("config");

    // opencode-init: the image's entrypoint and user, no arguments, /tools (an emptyDir in the pod) empty.
    List<String> init = new ArrayList<>(List.of(CHROOT.toString(), "--userspec=" + config.path("User").asText(),
        root.toString()));
    config.path("Entrypoint").forEach(arg -> init.add(arg.asText()));
    Result installed = run(imageEnv, init);
    assertThat(installed.exitCode()).as(installed.toString()).isZero();
    assertThat(installed.stdout()).containsExactly(
        "[opencode-init] installing test-agent " + TestImages.version() + " as /tools/opencode",
        "[opencode-init] done: the agent container can run /tools/opencode");
    assertThat(root.resolve("tools/opencode")).isExecutable()
        .hasBinaryContent(Files.readAllBytes(TestImages.testAgent()));

    // agent: the controller's default command and environment, as a user other than the image's.
    Files.writeString(workspace.resolve("task.md"), """
        # Summarise the context

        Read the staged context and report.
        log: hello from the agent container
        env: TASK_NAME
        cat: .kubeopencode/context.md
        write: .outputs/summary = one context, one line
        """);
    Files.createDirectories(workspace.resolve(".kubeopencode"));
    Files.writeString(workspace.resolve(".kubeopencode/context.md"), "<context name=\"notes\">hi</context>\n");
    Map<String, String> env = new LinkedHashMap<>(imageEnv);
    env.putAll(Map.of("HOME", "/tmp", "SHELL", "/bin/bash", "TASK_NAME", "summarise", "TASK_NAMESPACE", "team-a",
        "WORKSPACE_DIR", "/workspace"));
    List<String> agent = new ArrayList<>(List.of(CHROOT.toString(), "--userspec=4321:4321", root.toString()));
    agent.addAll(DEFAULT_COMMAND);
    Result ran = run(env, agent);
    assertThat(ran.exitCode()).as(ran.toString()).isZero();
    assertThat(ran.stdout()).containsExactly("test-agent: 4 instructions", "hello from the agent container",
        "TASK_NAME=summarise", "<context name=\"notes\">hi</context>", "test-agent: wrote /workspace/.outputs/summary",
        "test-agent: done");
    assertThat(workspace.resolve(".outputs/summary")).hasContent("one context, one line\n");
    assertThat(Files.getOwner(workspace.resolve(".outputs/summary")).getName()).isEqualTo("4321");
  }

  @Test
  void pauseImageRunsAsItsUser() throws Exception {
    ImageTar image = ImageTar.read(TestImages.tar(TestImages.PAUSE_TAR));
    Path root = tmp.resolve("pause-root");
    Tar.extract(image.files(), root);
    Result result = run(Map.of(), List.of(CHROOT.toString(),
        "--userspec=" + image.config().path("config").path("User").asText(), root.toString(), "/pause", "-v"));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("pause " + TestImages.version() + " (kubeopencode test image)");
  }

  private static Result run(Map<String, String> env, List<String> command) {
    try (AgentRun run = AgentRun.start(env, command)) {
      return run.awaitExit();
    }
  }
}
