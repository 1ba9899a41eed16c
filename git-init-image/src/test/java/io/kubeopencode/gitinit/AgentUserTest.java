package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent container's git runs as another user than git-init: run it as uid 4321 (setpriv; the build runs as
 * root) on a fresh checkout. Without git-init's safe.directory config git refuses the repository; with it, status,
 * add and commit work, which also proves the permissions.
 */
class AgentUserTest {
  static final List<String> AS_AGENT = List.of("setpriv", "--reuid=4321", "--regid=4321", "--clear-groups");

  @TempDir
  static Path shared;
  static TestRepositories repos;
  static GitDaemon daemon;

  @TempDir
  Path work;

  @BeforeAll
  static void startDaemon() throws Exception {
    repos = TestRepositories.shared();
    daemon = GitDaemon.start(repos.dir, shared.resolve("daemon.log"));
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    daemon.close();
  }

  @Test
  void gitAsAnotherUserWorksInTheCheckoutWithTheSharedConfig() throws Exception {
    // The test's temporary directory is private to root: let the other user reach the workspace inside it.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path workspace = work.resolve("workspace");
    GitInitProcess.Result r = GitInitProcess.run(work, env(EnvNames.GIT_REPO, daemon.url("super.git"),
        EnvNames.GIT_ROOT, workspace.toString(), EnvNames.GIT_LINK, "repo", EnvNames.WORKSPACE_DIR,
        workspace.toString(), EnvNames.GIT_RECURSE_SUBMODULES, "true"), "git-init");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path checkout = workspace.resolve("repo");
    Path agentHome = Files.createDirectories(work.resolve("agent-home"));
    Files.setPosixFilePermissions(agentHome, PosixFilePermissions.fromString("rwxrwxrwx"));
    Map<String, String> agentEnv = Map.of("HOME", agentHome.toString());

    GitCli.Result refused = GitCli.run(checkout, agentEnv, AS_AGENT, "status");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("dubious ownership");

    Map<String, String> withConfig = Map.of("HOME", agentHome.toString(), "GIT_CONFIG_COUNT", "1",
        "GIT_CONFIG_KEY_0", "include.path", "GIT_CONFIG_VALUE_0",
        workspace.resolve(".kubeopencode/gitconfig").toString());
    GitCli.Result status = GitCli.run(checkout, withConfig, AS_AGENT, "status", "--porcelain");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).isEmpty();
    GitCli.Result submodules = GitCli.run(checkout, withConfig, AS_AGENT, "submodule", "status", "--recursive");
    assertThat(submodules.exitCode()).as(submodules.output()).isZero();

    Files.writeString(checkout.resolve("lib/deep/agent.txt"), "written by root for the agent to commit");
    Files.writeString(checkout.resolve("agent.txt"), "by the agent");
    assertThat(GitCli.run(checkout, withConfig, AS_AGENT, "add", "agent.txt").exitCode()).isZero();
    GitCli.Result commit = GitCli.run(checkout, withConfig, AS_AGENT, "commit", "-q", "-m", "agent work");
    assertThat(commit.exitCode()).as(commit.output()).isZero();
    GitCli.Result deep = GitCli.run(checkout.resolve("lib/deep"), withConfig, AS_AGENT, "add", "agent.txt");
    assertThat(deep.exitCode()).as(deep.output()).isZero();
    assertThat(GitCli.run(checkout, withConfig, AS_AGENT, "log", "--format=%s", "-1").output().strip())
        .isEqualTo("agent work");
  }

  /** A Git context at the workspace root: the clone is merged into the workspace, where the agent works on it. */
  @Test
  void gitAsAnotherUserWorksInAWorkspaceTheCloneWasMergedInto() throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path workspace = Files.createDirectory(work.resolve("workspace"));
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx")); // an emptyDir's mode
    GitInitProcess.Result r = GitInitProcess.run(work, env(EnvNames.GIT_REPO, daemon.url("super.git"),
        EnvNames.GIT_ROOT, workspace.resolve(".kubeopencode/git").toString(), EnvNames.GIT_LINK, "0",
        EnvNames.GIT_MERGE_INTO, workspace.toString(), EnvNames.WORKSPACE_DIR, workspace.toString(),
        EnvNames.GIT_RECURSE_SUBMODULES, "true"), "git-init");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path agentHome = Files.createDirectories(work.resolve("agent-home"));
    Files.setPosixFilePermissions(agentHome, PosixFilePermissions.fromString("rwxrwxrwx"));
    Map<String, String> withConfig = Map.of("HOME", agentHome.toString(), "GIT_CONFIG_COUNT", "1",
        "GIT_CONFIG_KEY_0", "include.path", "GIT_CONFIG_VALUE_0",
        workspace.resolve(".kubeopencode/gitconfig").toString());

    Files.writeString(workspace.resolve("super.txt"), "edited in place by the agent");
    GitCli.Result commit = GitCli.run(workspace, withConfig, AS_AGENT, "commit", "-q", "-am", "agent work");
    assertThat(commit.exitCode()).as(commit.output()).isZero();
    GitCli.Result submodules = GitCli.run(workspace, withConfig, AS_AGENT, "submodule", "status", "--recursive");
    assertThat(submodules.exitCode()).as(submodules.output()).isZero();
    assertThat(submodules.output()).contains("lib/deep");
  }

  /**
   * A Git context outside the workspace: cloned into a volume of its own, which the agent sees elsewhere (a subPath
   * mount; here the checkout is moved there, which is what the agent's git sees). GIT_EXPOSED_AT makes the trusted
   * paths the agent's.
   */
  @Test
  void gitAsAnotherUserWorksWhereTheCloneIsMountedForTheAgent() throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path workspace = work.resolve("workspace");
    Path agentView = Files.createDirectories(work.resolve("home/agent")).resolve("src");
    Files.setPosixFilePermissions(work.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
    GitInitProcess.Result r = GitInitProcess.run(work, env(EnvNames.GIT_REPO, daemon.url("super.git"),
        EnvNames.GIT_ROOT, work.resolve("volume").toString(), EnvNames.GIT_LINK, "repo", EnvNames.WORKSPACE_DIR,
        workspace.toString(), EnvNames.GIT_RECURSE_SUBMODULES, "true", EnvNames.GIT_EXPOSED_AT,
        agentView.toString()), "git-init");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Files.move(work.resolve("volume/repo"), agentView);
    Path agentHome = Files.createDirectories(work.resolve("agent-home"));
    Files.setPosixFilePermissions(agentHome, PosixFilePermissions.fromString("rwxrwxrwx"));
    Map<String, String> withConfig = Map.of("HOME", agentHome.toString(), "GIT_CONFIG_COUNT", "1",
        "GIT_CONFIG_KEY_0", "include.path", "GIT_CONFIG_VALUE_0",
        workspace.resolve(".kubeopencode/gitconfig").toString());

    GitCli.Result status = GitCli.run(agentView, withConfig, AS_AGENT, "status", "--porcelain");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).isEmpty();
    GitCli.Result submodules = GitCli.run(agentView, withConfig, AS_AGENT, "submodule", "status", "--recursive");
    assertThat(submodules.exitCode()).as(submodules.output()).isZero();
    Files.writeString(agentView.resolve("lib/deep/agent.txt"), "new");
    GitCli.Result deep = GitCli.run(agentView.resolve("lib/deep"), withConfig, AS_AGENT, "add", "agent.txt");
    assertThat(deep.exitCode()).as(deep.output()).isZero();
  }
}
