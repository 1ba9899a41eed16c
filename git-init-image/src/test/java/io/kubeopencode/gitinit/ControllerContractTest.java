package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.controller.job.AgentPodBuilder;
import io.kubeopencode.controller.job.ContextPlan;
import io.kubeopencode.controller.job.ContextPlanner;
import io.kubeopencode.controller.job.ImageDefaults;
import io.kubeopencode.controller.job.MergedTask;
import io.kubeopencode.controller.job.TemplateMerge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's pods and git-init agree on where every Git context ends up: the pod is built by the controller's
 * own code, each git-init-N runs as a real process with exactly its container's environment, in order, and what the
 * agent container would see is read through its own volume mounts. Only a kubelet's part is emulated: the volumes
 * are directories (the git-N emptyDirs at a temporary path, so their mount points are rewritten) and a subPath mount
 * is a path inside its volume.
 */
class ControllerContractTest {
  @TempDir
  static Path shared;
  static TestRepositories repos;
  static GitDaemon daemon;

  @TempDir
  Path tmp;
  Path workspace;
  Path volumes;

  @BeforeAll
  static void startDaemon() throws Exception {
    repos = TestRepositories.shared();
    daemon = GitDaemon.start(repos.dir, shared.resolve("daemon.log"));
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    daemon.close();
  }

  private Pod pod(List<ContextItem> contexts) {
    AgentSpec agent = new AgentSpec(null, null, workspace.toString(), null, null, null, null, null, "sa", null, null,
        null);
    TaskSpec spec = new TaskSpec("Fix it.", contexts, AgentReference.of("agent"), null, null, null);
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace("team").withName("fix").withUid("uid").build());
    task.setSpec(spec);
    MergedTask merged = TemplateMerge.merge(spec, Optional.empty());
    ContextPlan plan = ContextPlanner.plan(new ContextPlanner.Sources(workspace.toString(), "team", List.of(), null,
        "team", merged, "facts"), (ns, name) -> Optional.empty());
    return AgentPodBuilder.pod(new AgentPodBuilder.Inputs(task, "agent", agent, merged, plan,
        new ImageDefaults("a", "e", "g", "c", "IfNotPresent"), null, "team"), 0, null);
  }

  /** Runs every git-init container of the pod in order, as the kubelet would; returns their outputs. */
  private void runGitInits(Pod pod) throws Exception {
    for (Container c : pod.getSpec().getInitContainers()) {
      if (!c.getName().startsWith("git-init-")) {
        continue;
      }
      Map<String, String> env = new HashMap<>();
      for (EnvVar var : c.getEnv()) {
        if (var.getValue() != null) {
          env.put(var.getName(), var.getValue().replace("/kubeopencode/git", volumes.toString()));
        }
      }
      GitInitProcess.Result r = GitInitProcess.run(Files.createDirectories(tmp.resolve("run-" + c.getName())), env,
          c.getArgs().toArray(String[]::new));
      assertThat(r.exitCode()).as(c.getName() + ": " + r.output()).isZero();
    }
  }

  /** Where a path the agent container mounts from a git-N volume really is. */
  private Path agentSees(Pod pod, String mountPath) {
    VolumeMount mount = pod.getSpec().getContainers().getFirst().getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(mountPath)).findFirst().orElseThrow();
    String index = mount.getName().substring("git-".length());
    return volumes.resolve(index).resolve(mount.getSubPath());
  }

  @Test
  void everyGitContextIsWhereTheAgentLooksForIt() throws Exception {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    volumes = Files.createDirectory(tmp.resolve("volumes"));
    // What context-init leaves before the git-init containers run.
    GitCli.write(workspace.resolve("task.md"), "Fix it.");
    String repo = daemon.url("project.git");
    Path tool = tmp.resolve("opt/tool");
    Path guide = tmp.resolve("opt/guide.md");
    Pod pod = pod(List.of(
        ContextItem.git("src", "src", new GitContext(repo, null, null, null, null, null)),
        ContextItem.git("root", ".", new GitContext(repo, null, null, null, null, null)),
        ContextItem.git("tool", tool.toString(), new GitContext(repo, null, null, null, null, null)),
        ContextItem.git("guide", guide.toString(), new GitContext(repo, null, null, "docs/guide.md", null, null))));

    runGitInits(pod);

    assertThat(workspace.resolve("src/README.md")).as("below the workspace").hasContent("three");
    assertThat(git(workspace, "rev-parse", "HEAD")).as("merged into the workspace root").isEqualTo(repos.c3);
    assertThat(workspace.resolve("README.md")).hasContent("three");
    assertThat(workspace.resolve("task.md")).as("context-init's files are kept").hasContent("Fix it.");
    assertThat(workspace.resolve(".kubeopencode/git/1")).as("no staging left").doesNotExist();
    assertThat(agentSees(pod, tool.toString()).resolve("README.md")).as("outside: its own volume").hasContent("three");
    assertThat(git(agentSees(pod, tool.toString()), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(agentSees(pod, guide.toString())).as("a file of the repository").isRegularFile()
        .hasContent("# Guide");
    String safe = git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory");
    assertThat(safe.lines()).as("git in the agent trusts every clone where the agent sees it")
        .contains(workspace.resolve("src").toRealPath().toString(), workspace.toRealPath().toString(),
            tool.toString());
  }
}
