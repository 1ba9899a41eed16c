package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.ListeningSockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git-init as a process against a real {@code git daemon}: refs, depth, workspace layout, reuse. */
class GitDaemonCloneTest {
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

  private Path checkout() {
    return work.resolve("ws/repo");
  }

  @Test
  void defaultRefIsRemoteHeadAtDepthOneOnATrackingBranch() throws Exception {
    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.terminationMessage()).isEmpty();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(git(checkout(), "rev-list", "--count", "HEAD")).isEqualTo("1");
    assertThat(git(checkout(), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
    assertThat(git(checkout(), "rev-parse", "--abbrev-ref", "main@{upstream}")).isEqualTo("origin/main");
    assertThat(git(checkout(), "status", "--porcelain")).isEmpty();
    assertThat(git(checkout(), "config", "remote.origin.url")).isEqualTo(daemon.url("project.git"));
    assertThat(checkout().resolve("README.md")).hasContent("three");
    assertThat(r.stdout()).contains("git-init: cloning " + daemon.url("project.git"))
        .contains("fetching branch main (depth 1)").contains("done in");
  }

  @Test
  void branch() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, "feature");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.feature);
    assertThat(git(checkout(), "symbolic-ref", "--short", "HEAD")).isEqualTo("feature");
    assertThat(checkout().resolve("feature.txt")).exists();
  }

  @Test
  void lightweightTagIsADetachedHead() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, "v1");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c1);
    assertThat(GitCli.run(checkout(), Map.of(), java.util.List.of(), "symbolic-ref", "-q", "HEAD").exitCode())
        .isNotZero();
    assertThat(git(checkout(), "status")).contains("HEAD detached at v1");
  }

  @Test
  void annotatedTagChecksOutTheTaggedCommit() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, "v2");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c2);
    assertThat(checkout().resolve("README.md")).hasContent("two");
  }

  @Test
  void fullCommitShaThatIsNoBranchTipAtDepthOne() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, repos.c2.toUpperCase(java.util.Locale.ROOT));

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c2);
    assertThat(git(checkout(), "rev-list", "--count", "HEAD")).isEqualTo("1");
  }

  @Test
  void depthZeroFetchesTheFullHistory() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_DEPTH, "0");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-list", "--count", "HEAD")).isEqualTo("3");
    assertThat(Files.exists(checkout().resolve(".git/shallow"))).isFalse();
    assertThat(git(checkout(), "config", "remote.origin.fetch")).isEqualTo("+refs/heads/*:refs/remotes/origin/*");
  }

  @Test
  void theDaemonListensOnLoopbackOnly() {
    assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
        .extracting(ListeningSockets.Listener::port).contains(daemon.port);
  }

  @Test
  void missingRefFailsAtOnceWithItsName() throws Exception {
    // A retry would wait 10 minutes, past GitInitProcess's 2-minute limit: finishing at all shows there was none.
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, "v9", EnvNames.GIT_CLONE_RETRY_DELAY, "10m");

    assertThat(r.exitCode()).isEqualTo(Failure.REF_NOT_FOUND.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("ref 'v9' not found in " + daemon.url("project.git"));
    assertThat(r.stdout()).contains("error: ref 'v9' not found").doesNotContain("retrying");
    assertThat(checkout()).doesNotExist();
  }

  @Test
  void unknownCommitShaIsAMissingRef() throws Exception {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, sha);

    assertThat(r.exitCode()).isEqualTo(Failure.REF_NOT_FOUND.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("ref '" + sha + "' not found in " + daemon.url("project.git"));
  }

  @Test
  void missingRepository() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("nope.git"));

    assertThat(r.exitCode()).isEqualTo(Failure.REPO_NOT_FOUND.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("repository not found: " + daemon.url("nope.git"));
    assertThat(r.stdout()).doesNotContain("retrying");
  }

  @Test
  void unreachableHostIsRetriedWithBackoffThenReported() throws Exception {
    int closed = GitDaemon.freePort();
    String url = "git://127.0.0.1:" + closed + "/project.git";
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, url, EnvNames.GIT_CLONE_RETRIES, "2",
        EnvNames.GIT_CLONE_RETRY_DELAY, "200ms");

    assertThat(r.exitCode()).isEqualTo(Failure.NETWORK.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("cannot reach " + url + ": connection refused (after 3 attempts)");
    assertThat(r.stdout()).contains("attempt 1 of 3 failed: cannot reach " + url + ": connection refused; retrying in"
        + " 200 ms").contains("attempt 2 of 3 failed").contains("retrying in 400 ms");
    assertThat(r.took()).isGreaterThan(java.time.Duration.ofMillis(600));
  }

  @Test
  void submodulesRecursivelyWithRelativeUrls() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"), EnvNames.GIT_RECURSE_SUBMODULES,
        "true");

    assertThat(r.exitCode()).as(r.output()).isZero();
    // Before any git command below rewrites an index with root's umask.
    Checks.assertSharedWithAnyUser(work.resolve("ws"));
    assertThat(checkout().resolve("lib/lib.txt")).hasContent("lib");
    assertThat(checkout().resolve("lib/deep/deep.txt")).hasContent("deep");
    assertThat(git(checkout(), "submodule", "status", "--recursive")).doesNotContain("-").contains("lib")
        .contains("lib/deep");
    assertThat(git(checkout(), "status", "--porcelain")).isEmpty();
    String trusted = Files.readString(work.resolve("ws/.kubeopencode/gitconfig"));
    assertThat(trusted).contains("directory = " + checkout().toRealPath())
        .contains("directory = " + checkout().resolve("lib").toRealPath())
        .contains("directory = " + checkout().resolve("lib/deep").toRealPath());
  }

  @Test
  void submodulesAreLeftAloneUnlessAsked() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, daemon.url("super.git"));

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(checkout().resolve("super.txt")).exists();
    assertThat(checkout().resolve("lib/lib.txt")).doesNotExist();
  }

  @Test
  void filesAreSharedWithOtherUsersAndExecutablesStayExecutable() throws Exception {
    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    Checks.assertSharedWithAnyUser(work.resolve("ws"));
    assertThat(Files.getPosixFilePermissions(checkout().resolve("scripts/run.sh")))
        .contains(PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.getPosixFilePermissions(checkout().resolve("README.md")))
        .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
  }

  @Test
  void aCompleteCloneOfTheSameRequestIsReused() throws Exception {
    assertThat(runGitInit().exitCode()).isZero();
    Path agentWork = checkout().resolve("agent-notes.txt");
    Files.writeString(agentWork, "kept");

    GitInitProcess.Result again = runGitInit();

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.stdout()).contains("reusing the complete checkout at " + checkout())
        .doesNotContain("fetching");
    assertThat(agentWork).hasContent("kept");
  }

  @Test
  void aPartialCloneIsReplaced() throws Exception {
    Files.createDirectories(checkout().resolve(".git/objects"));
    Files.writeString(checkout().resolve("half-written.txt"), "junk");

    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("replacing incomplete or different checkout at " + checkout());
    assertThat(checkout().resolve("half-written.txt")).doesNotExist();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
  }

  @Test
  void aCloneOfAnotherRefIsReplaced() throws Exception {
    assertThat(runGitInit(EnvNames.GIT_REF, "v1").exitCode()).isZero();

    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REF, "feature");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("replacing incomplete or different checkout");
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.feature);
  }

  @Test
  void safeDirectoryConfigAccumulatesAcrossContainersAndGoesToTheWorkspace() throws Exception {
    Path workspace = work.resolve("workspace");
    assertThat(runGitInit(EnvNames.WORKSPACE_DIR, workspace.toString(), EnvNames.GIT_ROOT,
        workspace.toString(), EnvNames.GIT_LINK, "one").exitCode()).isZero();
    assertThat(runGitInit(EnvNames.WORKSPACE_DIR, workspace.toString(), EnvNames.GIT_ROOT,
        workspace.resolve("nested").toString(), EnvNames.GIT_LINK, "two").exitCode()).isZero();

    String config = Files.readString(workspace.resolve(".kubeopencode/gitconfig"));
    assertThat(config).contains("directory = " + workspace.resolve("one").toRealPath())
        .contains("directory = " + workspace.resolve("nested/two").toRealPath());
    assertThat(git(workspace, "config", "-f", ".kubeopencode/gitconfig", "--get-all", "safe.directory").lines())
        .hasSize(2);
  }

  @Test
  void roleArgumentIsOptionalAndOthersAreRejected() throws Exception {
    Map<String, String> env = env(EnvNames.GIT_REPO, daemon.url("project.git"), EnvNames.GIT_ROOT,
        work.resolve("ws").toString());
    assertThat(GitInitProcess.run(work, env).exitCode()).isZero();

    GitInitProcess.Result r = GitInitProcess.run(work, env, "context-init");
    assertThat(r.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(r.terminationMessage())
        .isEqualTo("unexpected arguments [context-init]: git-init takes no argument but an optional role name"
            + " 'git-init'");
  }

  @Test
  void badConfigurationIsNamedAndNothingIsCloned() throws Exception {
    GitInitProcess.Result noRepo = GitInitProcess.run(work, env(EnvNames.GIT_ROOT, work.resolve("ws").toString()));
    assertThat(noRepo.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(noRepo.terminationMessage()).isEqualTo("GIT_REPO is required");

    GitInitProcess.Result badDepth = runGitInit(EnvNames.GIT_DEPTH, "-1");
    assertThat(badDepth.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(badDepth.terminationMessage())
        .isEqualTo("GIT_DEPTH must be a whole number >= 0 (0 = full history), got '-1'");
    assertThat(work.resolve("ws")).doesNotExist();
  }

  @Test
  void anUnwritableTerminationLogIsSkipped() throws Exception {
    Map<String, String> env = env(EnvNames.GIT_REPO, daemon.url("project.git"), EnvNames.GIT_ROOT,
        work.resolve("ws").toString(), EnvNames.GIT_REF, "v9",
        EnvNames.GIT_TERMINATION_LOG, work.resolve("no/such/dir/log").toString());

    GitInitProcess.Result r = GitInitProcess.run(work, env);

    assertThat(r.exitCode()).isEqualTo(Failure.REF_NOT_FOUND.exitCode());
    assertThat(r.stdout()).contains("git-init: error: ref 'v9' not found");
    assertThat(r.stderr()).doesNotContain("Exception");
  }
}
