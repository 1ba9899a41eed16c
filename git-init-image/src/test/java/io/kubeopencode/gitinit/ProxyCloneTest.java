package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.podcontract.testing.ForwardProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * git-init as a process cloning over http and https through a real forward proxy on 127.0.0.1 (HTTP_PROXY,
 * HTTPS_PROXY with credentials and CONNECT), and past it (NO_PROXY). The proxy records every request it relays.
 */
class ProxyCloneTest {
  private static final String PROXY_USER = "egress";
  private static final String PROXY_PASSWORD = "Pr0xy-s3cret";
  @TempDir
  static Path shared;
  static TestRepositories repos;
  static HttpGitServer server;

  @TempDir
  Path work;
  ForwardProxy proxy;

  @BeforeAll
  static void startServer() throws Exception {
    repos = TestRepositories.shared();
    server = HttpGitServer.start(repos.dir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @AfterEach
  void stopProxy() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
  }

  private GitInitProcess.Result runGitInit(String... keyValues) throws Exception {
    Map<String, String> env = env(keyValues);
    env.putIfAbsent(EnvNames.GIT_REPO, server.url("project.git"));
    env.putIfAbsent(EnvNames.GIT_ROOT, work.resolve("ws").toString());
    env.putIfAbsent(EnvNames.GIT_USERNAME, HttpGitServer.USER);
    env.putIfAbsent(EnvNames.GIT_PASSWORD, HttpGitServer.PASSWORD);
    env.putIfAbsent(EnvNames.GIT_CLONE_RETRIES, "0");
    return GitInitProcess.run(work, env, "git-init");
  }

  private Path checkout() {
    return work.resolve("ws/repo");
  }

  @Test
  void httpGoesThroughTheProxy() throws Exception {
    proxy = ForwardProxy.start();

    GitInitProcess.Result r = runGitInit("http_proxy", proxy.url());

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(proxy.forwarded()).extracting(ForwardProxy.Request::line)
        .contains("GET " + server.url("project.git") + "/info/refs?service=git-upload-pack HTTP/1.1")
        .contains("POST " + server.url("project.git") + "/git-upload-pack HTTP/1.1");
    assertThat(r.stdout()).contains("git-init: proxy for http: " + proxy.url() + ", for https: none");
  }

  @Test
  void httpsIsTunnelledThroughTheProxyWithItsCredentials() throws Exception {
    proxy = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD);
    Path ca = work.resolve("ca.pem");
    Files.writeString(ca, server.certificatePem());

    GitInitProcess.Result r = runGitInit(EnvNames.GIT_REPO, server.httpsUrl("project.git"),
        EnvNames.CUSTOM_CA_CERT_PATH, ca.toString(), EnvNames.HTTPS_PROXY,
        "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port(),
        EnvNames.HTTP_PROXY, "http://127.0.0.1:1");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    String tunnel = "CONNECT " + server.httpsUrl("").replaceAll("https://([^/]+)/.*", "$1") + " HTTP/1.1";
    assertThat(proxy.forwarded()).isNotEmpty().allSatisfy(req -> assertThat(req.line()).isEqualTo(tunnel));
    assertThat(r.stdout()).contains("for https: " + proxy.url() + " (with credentials)");
    Checks.assertNoSecret(r, work.resolve("ws"), PROXY_PASSWORD, HttpGitServer.PASSWORD);
  }

  @Test
  void noProxyGoesDirect() throws Exception {
    proxy = ForwardProxy.start();

    GitInitProcess.Result r = runGitInit(EnvNames.HTTP_PROXY, proxy.url(), EnvNames.NO_PROXY, "localhost,127.0.0.1");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(checkout(), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void wrongProxyCredentialsAreAnAuthenticationFailure() throws Exception {
    proxy = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD);

    GitInitProcess.Result r = runGitInit(EnvNames.HTTP_PROXY, "http://" + PROXY_USER + ":wrong-pass@127.0.0.1:"
        + proxy.port());

    assertThat(r.exitCode()).as(r.output()).isEqualTo(Failure.AUTH.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("proxy authentication failed for " + server.url("project.git")
        + " (through the proxy " + proxy.url() + ")");
    assertThat(proxy.forwarded()).isEmpty();
    assertThat(r.output()).doesNotContain("wrong-pass");
    assertThat(checkout()).doesNotExist();
  }

  @Test
  void anUnreachableProxyIsANetworkFailureNamingIt() throws Exception {
    int closed = GitDaemon.freePort();

    GitInitProcess.Result r = runGitInit(EnvNames.HTTP_PROXY, "127.0.0.1:" + closed);

    assertThat(r.exitCode()).as(r.output()).isEqualTo(Failure.NETWORK.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("cannot reach " + server.url("project.git")
        + ": connection refused (through the proxy http://127.0.0.1:" + closed + ")");
  }

  @Test
  void anUnusableProxyVariableIsAConfigurationError() throws Exception {
    GitInitProcess.Result r = runGitInit("https_proxy", "https://u:hunter22@proxy.example:443");

    assertThat(r.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(r.terminationMessage()).startsWith("https_proxy: 'https://***@proxy.example:443' has the scheme"
        + " 'https'; only http:// proxies are supported").doesNotContain("hunter22");
    assertThat(work.resolve("ws")).doesNotExist();
  }
}
