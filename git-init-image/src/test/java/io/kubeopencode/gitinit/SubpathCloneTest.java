package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git-init as a process against {@code git daemon}: GIT_SUBPATH (directories, files, submodules) and GIT_EXPOSED_AT. */
class SubpathCloneTest {
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

  private GitInitProcess.Result runGitInit(String... keyValues) throws Exception {
    Map<String, String> env = env(keyValues);
    env.putIfAbsent(EnvNames.GIT_REPO, daemon.url("project.git"));
    env.putIfAbsent(EnvNames.GIT_ROOT, work.resolve("ws").toString());
    env.putIfAbsent(EnvNames.GIT_LINK, "repo");
    return GitInitProcess.run(work, env, "git-init");
  }

  @Test
  void subpathIsExposedThroughARelativeLinkInsideTheCheckout() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SUBPATH, "/docs/");

    assertThat(r.exitCode()).as(r.output()).isZero();
    Path link = work.resolve("ws/repo");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of(".kubeopencode-git/repo/docs"));
    assertThat(link.resolve("guide.md")).hasContent("# Guide");
    assertThat(link.resolve("api/index.md")).exists();
    assertThat(link.resolve("README.md")).doesNotExist();
    assertThat(git(link, "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(Files.readString(work.resolve("ws/.kubeopencode/gitconfig")))
        .contains("directory = " + work.resolve("ws/.kubeopencode-git/repo").toRealPath());
  }

  @Test
  void subpathMayNameAFileExposedThroughARelativeLink() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SUBPATH, "scripts/run.sh");

    assertThat(r.exitCode()).as(r.output()).isZero();
    Path link = work.resolve("ws/repo");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of(".kubeopencode-git/repo/scripts/run.sh"));
    assertThat(link).hasContent("#!/bin/sh\necho run");
    assertThat(Files.isExecutable(link)).isTrue();
    assertThat(Files.getPosixFilePermissions(link)).contains(PosixFilePermission.OTHERS_WRITE);
    assertThat(git(work.resolve("ws/.kubeopencode-git/repo/scripts"), "rev-parse", "HEAD")).isEqualTo(repos.c3);

    GitInitProcess.Result again = runGitInit(EnvNames.GIT_SUBPATH, "scripts/run.sh");
    assertThat(again.stdout()).contains("reusing the complete checkout").doesNotContain("fetching");
    assertThat(link).hasContent("#!/bin/sh\necho run");
  }

  @Test
  void missingSubpath() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SUBPATH, "nowhere", EnvNames.GIT_REF, "v1");

    assertThat(r.exitCode()).isEqualTo(Failure.SUBPATH_NOT_FOUND.exitCode());
    assertThat(r.terminationMessage())
        .isEqualTo("subpath 'nowhere' does not exist in " + daemon.url("project.git") + " at v1");
    assertThat(work.resolve("ws/repo")).doesNotExist();
    assertThat(work.resolve("ws/.kubeopencode-git/repo")).doesNotExist();
  }

  @Test
  void aSubmoduleSubpathNeedsTheSubmodulesCheckedOut() throws Exception {
    GitInitProcess.Result refused = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"), EnvNames.GIT_SUBPATH,
        "lib");
    assertThat(refused.exitCode()).isEqualTo(Failure.SUBPATH_NOT_FOUND.exitCode());
    assertThat(refused.terminationMessage()).isEqualTo("subpath 'lib' is a submodule in " + daemon.url("super.git")
        + " at HEAD (set GIT_RECURSE_SUBMODULES=true to check it out)");

    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"), EnvNames.GIT_SUBPATH, "lib",
        EnvNames.GIT_RECURSE_SUBMODULES, "true");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(work.resolve("ws/repo/lib.txt")).hasContent("lib");
  }

  @Test
  void exposedAtNamesTheRepositoryAndItsSubmodulesWhereTheAgentSeesThem() throws Exception {
    Path workspace = work.resolve("workspace");
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"), EnvNames.GIT_RECURSE_SUBMODULES,
        "true", EnvNames.GIT_ROOT, work.resolve("git/0").toString(), EnvNames.WORKSPACE_DIR, workspace.toString(),
        EnvNames.GIT_EXPOSED_AT, "/home/agent/src/");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory").lines())
        .containsExactly("/home/agent/src", "/home/agent/src/lib", "/home/agent/src/lib/deep");
    assertThat(work.resolve("git/0/repo/lib/deep/deep.txt")).hasContent("deep");
  }

  @Test
  void exposedAtWithASubpathListsOnlyTheRepositoriesTheAgentSees() throws Exception {
    Path workspace = work.resolve("workspace");
    GitInitProcess.Result lib = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"),
        EnvNames.GIT_RECURSE_SUBMODULES, "true", EnvNames.GIT_SUBPATH, "lib", EnvNames.GIT_ROOT,
        work.resolve("git/0").toString(), EnvNames.WORKSPACE_DIR, workspace.toString(), EnvNames.GIT_EXPOSED_AT,
        "/home/agent/lib");
    GitInitProcess.Result docs = runGitInit(EnvNames.GIT_SUBPATH, "docs", EnvNames.GIT_ROOT,
        work.resolve("git/1").toString(), EnvNames.WORKSPACE_DIR, workspace.toString(), EnvNames.GIT_EXPOSED_AT,
        "/home/agent/docs");

    assertThat(lib.exitCode()).as(lib.output()).isZero();
    assertThat(docs.exitCode()).as(docs.output()).isZero();
    assertThat(git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory").lines())
        .containsExactly("/home/agent/lib", "/home/agent/lib/deep");
    assertThat(docs.stdout()).contains("the agent sees only " + work.resolve("git/1/.kubeopencode-git/repo/docs")
        .toRealPath() + " at /home/agent/docs, not the repository at "
        + work.resolve("git/1/.kubeopencode-git/repo").toRealPath() + ": no safe.directory entry for it");
  }
}
