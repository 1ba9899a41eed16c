package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GIT_MERGE_INTO as the controller sets it for a Git context at the workspace root: GIT_ROOT is
 * {@code <workspace>/.kubeopencode/git}, GIT_LINK the context's index; context-init has already written task.md and
 * .kubeopencode/ there. git-init as a process against {@code git daemon}.
 */
class MergeIntoCloneTest {
  @TempDir
  static Path shared;
  static TestRepositories repos;
  static GitDaemon daemon;

  @TempDir
  Path work;
  Path workspace;

  @BeforeAll
  static void startDaemon() throws Exception {
    repos = TestRepositories.shared();
    daemon = GitDaemon.start(repos.dir, shared.resolve("daemon.log"));
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    daemon.close();
  }

  /** What context-init leaves, plus files a user placed at paths the repository also has. */
  @BeforeEach
  void contextInitRanFirst() throws Exception {
    workspace = Files.createDirectory(work.resolve("workspace"));
    GitCli.write(workspace.resolve("task.md"), "Fix the flaky test.\n");
    GitCli.write(workspace.resolve(".kubeopencode/context.md"), "<context/>\n");
    GitCli.write(workspace.resolve("README.md"), "the user's own readme\n");
    GitCli.write(workspace.resolve("docs/mine.md"), "a context file placed in docs/\n");
    GitCli.write(workspace.resolve("scripts"), "a file where the repository has a directory\n");
  }

  private GitInitProcess.Result runGitInit(String... keyValues) throws Exception {
    Map<String, String> env = env(keyValues);
    env.putIfAbsent(EnvNames.GIT_REPO, daemon.url("project.git"));
    env.putIfAbsent(EnvNames.GIT_ROOT, workspace.resolve(".kubeopencode/git").toString());
    env.putIfAbsent(EnvNames.GIT_LINK, "0");
    env.putIfAbsent(EnvNames.GIT_MERGE_INTO, workspace.toString());
    env.putIfAbsent(EnvNames.WORKSPACE_DIR, workspace.toString());
    return GitInitProcess.run(work, env, "git-init");
  }

  private Path staging() {
    return workspace.resolve(".kubeopencode/git/0");
  }

  @Test
  void theCheckoutIsMovedIntoTheWorkspaceAndWhatWasThereWins() throws Exception {
    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    // Before any git command below rewrites the index with root's umask.
    Checks.assertSharedWithAnyUser(workspace.resolve("docs/api"));
    Checks.assertSharedWithAnyUser(workspace.resolve(".git"));
    assertThat(git(workspace, "rev-parse", "--show-toplevel")).isEqualTo(workspace.toRealPath().toString());
    assertThat(git(workspace, "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(workspace.resolve("docs/guide.md")).hasContent("# Guide");
    assertThat(workspace.resolve("docs/api/index.md")).hasContent("# API");
    assertThat(workspace.resolve("docs/mine.md")).hasContent("a context file placed in docs/");
    assertThat(workspace.resolve("README.md")).hasContent("the user's own readme");
    assertThat(workspace.resolve("scripts")).hasContent("a file where the repository has a directory");
    assertThat(workspace.resolve("task.md")).hasContent("Fix the flaky test.");
    assertThat(workspace.resolve(".kubeopencode/context.md")).hasContent("<context/>");
    assertThat(r.stdout())
        .contains("kept " + workspace.resolve("README.md") + " as it was: the repository's README.md is not merged")
        .contains("kept " + workspace.resolve("scripts") + " as it was: the repository's scripts is not merged")
        .contains("merged into " + workspace + ": ").contains("2 existing paths kept");
    assertThat(staging()).doesNotExist();
    assertThat(git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory"))
        .isEqualTo(workspace.toRealPath().toString());
    assertThat(git(workspace, "status", "--porcelain").lines()).contains("M README.md", "?? task.md");
  }

  @Test
  void aRerunAfterACompleteMergeClonesNothingAndKeepsTheAgentsWork() throws Exception {
    assertThat(runGitInit().exitCode()).isZero();
    Files.writeString(workspace.resolve("docs/guide.md"), "edited by the agent");
    Files.delete(workspace.resolve("docs/api/index.md"));

    GitInitProcess.Result again = runGitInit();

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.stdout()).contains("already merged into " + workspace + " (commit " + repos.c3 + ")")
        .doesNotContain("fetching").doesNotContain("kept ");
    assertThat(workspace.resolve("docs/guide.md")).hasContent("edited by the agent");
    assertThat(workspace.resolve("docs/api/index.md")).doesNotExist();
  }

  @Test
  void aRerunAfterAnInterruptedMergeFinishesItWithoutCloning() throws Exception {
    // The state a kill in the middle of the merge leaves: a complete staged clone, the marker saying "merging",
    // and some entries already moved.
    GitInitProcess.Result staged = runGitInit(EnvNames.GIT_MERGE_INTO, "", EnvNames.GIT_ROOT,
        workspace.resolve(".kubeopencode/git").toString());
    assertThat(staged.exitCode()).as(staged.output()).isZero();
    Files.move(staging().resolve(".git"), workspace.resolve(".git"));
    Files.move(staging().resolve("docs/guide.md"), workspace.resolve("docs/guide.md"));
    CloneMarker request = new CloneMarker(daemon.url("project.git"), "HEAD", 1, "", false, repos.c3);
    GitCli.write(workspace.resolve(".kubeopencode/git/.kubeopencode-git/0.merge"),
        MergeMarker.merging(request).format());

    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("resuming the interrupted merge into " + workspace + " (commit " + repos.c3 + ")")
        .doesNotContain("fetching");
    assertThat(workspace.resolve("docs/guide.md")).hasContent("# Guide");
    assertThat(workspace.resolve("docs/api/index.md")).hasContent("# API");
    assertThat(workspace.resolve("README.md")).hasContent("the user's own readme");
    assertThat(git(workspace, "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(staging()).doesNotExist();
    assertThat(runGitInit().stdout()).contains("already merged into");
  }

  @Test
  void aRerunAfterAnInterruptedCloneClonesAgain() throws Exception {
    GitCli.write(staging().resolve(".git/objects/half"), "junk");

    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("replacing incomplete or different checkout at " + staging());
    assertThat(git(workspace, "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(workspace.resolve(".git/objects/half")).doesNotExist();
  }

  @Test
  void withASubpathOnlyItsEntriesAreMergedAndNoRepository() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SUBPATH, "docs");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(workspace.resolve("guide.md")).hasContent("# Guide");
    assertThat(workspace.resolve("api/index.md")).hasContent("# API");
    assertThat(workspace.resolve(".git")).doesNotExist();
    assertThat(workspace.resolve("README.md")).hasContent("the user's own readme");
    assertThat(workspace.resolve(".kubeopencode/git/.kubeopencode-git/0")).doesNotExist();
    assertThat(staging()).doesNotExist();
    assertThat(r.stdout()).contains("with a subpath only files are merged into " + workspace);
  }

  @Test
  void aSubpathNamingAFileMergesThatFile() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SUBPATH, "scripts/run.sh");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(workspace.resolve("run.sh")).hasContent("#!/bin/sh\necho run");
    assertThat(Files.getPosixFilePermissions(workspace.resolve("run.sh")))
        .contains(PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void submodulesKeepWorkingAfterTheMove() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"), EnvNames.GIT_RECURSE_SUBMODULES,
        "true");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(workspace.resolve("lib/deep/deep.txt")).hasContent("deep");
    assertThat(git(workspace, "submodule", "status", "--recursive")).doesNotContain("-").contains("lib/deep");
    assertThat(git(workspace.resolve("lib/deep"), "status", "--porcelain")).isEmpty();
    Path real = workspace.toRealPath();
    assertThat(git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory").lines())
        .containsExactly(real.toString(), real.resolve("lib").toString(), real.resolve("lib/deep").toString());
  }

  @Test
  void theTargetMustBeAbsoluteAndHoldTheStagingDirectory() throws Exception {
    GitInitProcess.Result relative = runGitInit(EnvNames.GIT_MERGE_INTO, "workspace");
    assertThat(relative.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(relative.terminationMessage()).isEqualTo("GIT_MERGE_INTO must be an absolute path, got 'workspace'");

    Path elsewhere = work.resolve("elsewhere");
    GitInitProcess.Result outside = runGitInit(EnvNames.GIT_ROOT, elsewhere.toString());
    assertThat(outside.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(outside.terminationMessage()).isEqualTo("GIT_MERGE_INTO '" + workspace + "' must contain"
        + " GIT_ROOT/GIT_LINK ('" + elsewhere.resolve("0") + "'), where the clone is staged before it is moved on"
        + " the same volume");

    GitInitProcess.Result both = runGitInit(EnvNames.GIT_EXPOSED_AT, "/home/agent");
    assertThat(both.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(both.terminationMessage()).startsWith("GIT_MERGE_INTO and GIT_EXPOSED_AT cannot both be set");
    try (Stream<Path> entries = Files.list(workspace)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("task.md", ".kubeopencode", "README.md", "docs", "scripts");
    }
  }
}
