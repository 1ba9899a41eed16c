package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.ListeningSockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git-init as a process against JGit's smart-HTTP server with basic authentication, over http and https. */
class HttpCloneTest {
  @TempDir
  static Path shared;
  static TestRepositories repos;
  static HttpGitServer server;

  @TempDir
  Path work;

  @BeforeAll
  static void startServer() throws Exception {
    repos = TestRepositories.shared();
    server = HttpGitServer.start(repos.dir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private GitInitProcess.Result runGitInit(String... keyValues) throws Exception {
    Map<String, String> env = env(keyValues);
    env.putIfAbsent(EnvNames.GIT_REPO, server.url("project.git"));
    env.putIfAbsent(EnvNames.GIT_ROOT, work.resolve("ws").toString());
    env.putIfAbsent(EnvNames.GIT_LINK, "repo");
    env.putIfAbsent(EnvNames.GIT_CLONE_RETRY_DELAY, "100ms");
    return GitInitProcess.run(work, env, "git-init");
  }

  private Path checkout() {
    return work.resolve("ws/repo");
  }

  @Test
  void basicAuthFromTheSecretAndNoCredentialLeftAnywhere() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_USERNAME, HttpGitServer.USER, EnvNames.GIT_PASSWORD,
        HttpGitServer.PASSWORD + "\n");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(git(checkout(), "config", "remote.origin.url")).isEqualTo(server.url("project.git"));
    Checks.assertNoSecret(r, work.resolve("ws"), HttpGitServer.PASSWORD, HttpGitServer.USER);
  }

  @Test
  void credentialsInTheUrlAreUsedButNeverWrittenOrLogged() throws Exception {
    String withCredentials = server.url("project.git")
        .replace("http://", "http://" + HttpGitServer.USER + ":" + HttpGitServer.PASSWORD + "@");
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, withCredentials, EnvNames.GIT_REF, "v2");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c2);
    assertThat(git(checkout(), "config", "remote.origin.url")).isEqualTo(server.url("project.git"));
    assertThat(r.stdout()).contains("cloning " + server.url("project.git"));
    Checks.assertNoSecret(r, work.resolve("ws"), HttpGitServer.PASSWORD, HttpGitServer.USER);
  }

  @Test
  void theServerListensOnLoopbackOnly() {
    assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
        .extracting(ListeningSockets.Listener::port).contains(server.port(), server.securePort());
  }

  @Test
  void wrongPasswordFailsAtOnceWithoutEchoingIt() throws Exception {
    String wrong = "Wr0ngSecret-" + System.nanoTime();
    // A retry would wait 10 minutes, past GitInitProcess's 2-minute limit: finishing at all shows there was none.
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_USERNAME, HttpGitServer.USER, EnvNames.GIT_PASSWORD, wrong,
        EnvNames.GIT_CLONE_RETRY_DELAY, "10m");

    assertThat(r.exitCode()).isEqualTo(Failure.AUTH.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("authentication failed for " + server.url("project.git"));
    assertThat(r.stdout()).doesNotContain("retrying");
    assertThat(r.output()).doesNotContain(wrong);
    assertThat(checkout()).doesNotExist();
  }

  @Test
  void noCredentialsIsAnAuthenticationFailure() throws Exception {
    GitInitProcess.Result r = runGitInit();

    assertThat(r.exitCode()).isEqualTo(Failure.AUTH.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("authentication failed for " + server.url("project.git"));
  }

  @Test
  void commitShaAndFullHistoryOverHttp() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_USERNAME, HttpGitServer.USER, EnvNames.GIT_PASSWORD,
        HttpGitServer.PASSWORD, EnvNames.GIT_REF, repos.c1, EnvNames.GIT_DEPTH, "0");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c1);
    assertThat(checkout().resolve("README.md")).hasContent("one");
  }

  @Test
  void httpsNeedsTheCustomCaThenWorks() throws Exception {
    Map<String, String> base = Map.of(EnvNames.GIT_REPO, server.httpsUrl("project.git"), EnvNames.GIT_USERNAME,
        HttpGitServer.USER, EnvNames.GIT_PASSWORD, HttpGitServer.PASSWORD);

    GitInitProcess.Result untrusted = runGitInit(flat(base));
    assertThat(untrusted.exitCode()).as(untrusted.output()).isEqualTo(Failure.TLS.exitCode());
    assertThat(untrusted.terminationMessage()).isEqualTo("TLS certificate not trusted for "
        + server.httpsUrl("project.git") + " (give its CA in CUSTOM_CA_CERT_PATH)");
    assertThat(untrusted.stdout()).doesNotContain("retrying");

    Path ca = work.resolve("ca.pem");
    Files.writeString(ca, server.certificatePem());
    GitInitProcess.Result trusted = runGitInit(flat(base, EnvNames.CUSTOM_CA_CERT_PATH, ca.toString()));
    assertThat(trusted.exitCode()).as(trusted.output()).isZero();
    assertThat(trusted.stdout()).contains("trusting 1 CA certificate(s) from " + ca);
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    Checks.assertNoSecret(trusted, work.resolve("ws"), HttpGitServer.PASSWORD);
  }

  private static String[] flat(Map<String, String> map, String... more) {
    String[] out = new String[map.size() * 2 + more.length];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    System.arraycopy(more, 0, out, i, more.length);
    return out;
  }
}
