package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.testing.LocalHttpServer;
import io.kubeopencode.contextinit.testing.RoleProcess;
import io.kubeopencode.contextinit.testing.RoleProcess.Result;
import io.kubeopencode.contextinit.testing.TestCa;
import io.kubeopencode.podcontract.testing.ForwardProxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URL contexts through HTTP_PROXY / HTTPS_PROXY in a real context-init process: a forward proxy on 127.0.0.1
 * records what it relays; NO_PROXY goes past it; its failures are named.
 */
class ProxyProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PROXY_USER = "egress";
  private static final String PROXY_PASSWORD = "pr0xy-Secr3t";
  private static final String TOKEN = "tok-5e6f7a8b";
  @TempDir
  static Path shared;
  static TestCa ca;
  static LocalHttpServer http;
  static LocalHttpServer https;

  @TempDir
  Path tmp;
  Path workspace;
  ForwardProxy proxy;

  @BeforeAll
  static void startServers() throws Exception {
    ca = TestCa.create(shared);
    http = LocalHttpServer.http().onText("/notes", "plain notes");
    https = LocalHttpServer.https(ca.serverContext()).onText("/spec.yaml", "openapi: 3.1.0\n");
  }

  @AfterAll
  static void stopServers() {
    http.close();
    https.close();
  }

  @BeforeEach
  void layout() throws Exception {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
  }

  @AfterEach
  void stopProxy() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
  }

  private Result fetch(String url, String... pairs) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("WORKSPACE_DIR", workspace.toString());
    env.put("CONFIGMAP_PATH", Files.createDirectories(tmp.resolve("context")).toString());
    env.put("TERMINATION_LOG_PATH", tmp.resolve("termination-log").toString());
    env.put("CUSTOM_CA_CERT_PATH", Files.writeString(tmp.resolve("ca.pem"), ca.caPem()).toString());
    env.put("SYSTEM_CA_BUNDLE", tmp.resolve("no-system-bundle").toString());
    env.put("URL_CONTEXTS", "[{\"source\":\"" + url + "\",\"targetPath\":\"" + workspace + "/fetched\","
        + "\"timeoutSeconds\":20,\"authEnvPrefix\":\"URL_0\"}]");
    env.put("URL_0_TOKEN", TOKEN);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return RoleProcess.run(tmp.resolve("logs"), env, TIMEOUT, "context-init");
  }

  private String terminationMessage() throws Exception {
    return Files.readString(tmp.resolve("termination-log"));
  }

  @Test
  void httpGoesThroughTheProxyWithTheUrlsOwnCredentials() throws Exception {
    proxy = ForwardProxy.start();

    Result result = fetch(http.url("/notes"), "http_proxy", proxy.url(), "HTTPS_PROXY", "http://127.0.0.1:1");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(workspace.resolve("fetched")).hasContent("plain notes");
    assertThat(proxy.forwarded()).extracting(ForwardProxy.Request::line)
        .containsExactly("GET " + http.url("/notes") + " HTTP/1.1");
    assertThat(http.requests("/notes").getLast().header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(result.stdout()).contains("context-init: proxy for http: " + proxy.url() + ", for https:"
        + " http://127.0.0.1:1");
  }

  @Test
  void httpsIsTunnelledWithTheProxysCredentials() throws Exception {
    proxy = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD);

    Result result = fetch(https.url("/spec.yaml"), "HTTPS_PROXY",
        "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(workspace.resolve("fetched")).hasContent("openapi: 3.1.0");
    assertThat(proxy.forwarded()).isNotEmpty().allSatisfy(r -> assertThat(r.line())
        .isEqualTo("CONNECT 127.0.0.1:" + https.port() + " HTTP/1.1"));
    assertThat(result.output()).doesNotContain(PROXY_PASSWORD).doesNotContain(TOKEN)
        .contains("for https: " + proxy.url() + " (with credentials)");
  }

  @Test
  void noProxyGoesDirect() throws Exception {
    proxy = ForwardProxy.start();

    Result result = fetch(https.url("/spec.yaml"), "HTTPS_PROXY", proxy.url(), "NO_PROXY", "localhost,127.0.0.0/8");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(workspace.resolve("fetched")).hasContent("openapi: 3.1.0");
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void aProxyThatWantsCredentialsIsNamed() throws Exception {
    proxy = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD);

    Result missing = fetch(http.url("/notes"), "HTTP_PROXY", proxy.url());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(terminationMessage()).isEqualTo("UrlProxy: URL context 0: the proxy " + proxy.url()
        + " wants credentials for " + http.url("/notes") + " (HTTP 407)");

    Result wrong = fetch(https.url("/spec.yaml"), "HTTPS_PROXY", "http://" + PROXY_USER + ":wrong-pass@127.0.0.1:"
        + proxy.port());
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(terminationMessage()).isEqualTo("UrlProxy: URL context 0: " + https.url("/spec.yaml")
        + ": the proxy " + proxy.url() + " refused the credentials of its proxy URL (HTTP 407)");
    assertThat(wrong.output()).doesNotContain("wrong-pass");
    assertThat(proxy.forwarded()).isEmpty();
    assertThat(workspace.resolve("fetched")).doesNotExist();
  }

  @Test
  void anUnreachableProxyIsNamed() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }

    Result result = fetch(http.url("/notes"), "HTTP_PROXY", "127.0.0.1:" + closed);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(terminationMessage()).startsWith("UrlProxy: URL context 0: " + http.url("/notes")
        + ": cannot connect to the proxy http://127.0.0.1:" + closed + ": ConnectException");
  }

  @Test
  void anUnusableProxyVariableIsAConfigurationError() throws Exception {
    Result result = fetch(http.url("/notes"), "HTTPS_PROXY", "socks5://127.0.0.1:1080");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(terminationMessage()).startsWith("InvalidConfig: HTTPS_PROXY: 'socks5://127.0.0.1:1080' has the"
        + " scheme 'socks5'; only http:// proxies are supported");
  }
}
