package io.kubeopencode.podcontract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kubeopencode.podcontract.testing.ForwardProxy;
import java.io.IOException;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK's HttpClient with {@link ProxyEnv}'s selector and authenticator, through a real proxy on 127.0.0.1 that
 * demands credentials: plain http is forwarded, https is tunnelled with CONNECT, NO_PROXY goes direct.
 */
class ProxyEnvHttpClientTest {
  static {
    // What installAsDefaults() does in the programs, before their first connection: the JDK reads it only once,
    // when its HTTP classes load, and the tests of this class share one JVM.
    System.setProperty(ProxyEnv.TUNNELING_DISABLED_SCHEMES, "");
  }

  private static final String USER = "proxy-user";
  private static final String PASSWORD = "pr0xy:p@ss";
  private HttpServer server;
  private ForwardProxy proxy;
  private ProxySelector previousSelector;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hello", exchange -> {
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    proxy = ForwardProxy.start(USER, PASSWORD);
    previousSelector = ProxySelector.getDefault();
  }

  @AfterEach
  void stop() throws IOException {
    server.stop(0);
    proxy.close();
    ProxySelector.setDefault(previousSelector);
    Authenticator.setDefault(null);
  }

  private String target() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hello";
  }

  private String proxyUrl() {
    return "http://" + USER + ":" + PASSWORD.replace(":", "%3A").replace("@", "%40") + "@127.0.0.1:" + proxy.port();
  }

  private static HttpClient client(ProxyEnv env) {
    HttpClient.Builder b = HttpClient.newBuilder().proxy(env.selector()).connectTimeout(Duration.ofSeconds(10));
    env.authenticator().ifPresent(b::authenticator);
    return b.build();
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void plainHttpGoesThroughTheProxyWithItsCredentials() throws Exception {
    ProxyEnv env = ProxyEnv.parse(Map.of("http_proxy", proxyUrl()));

    HttpResponse<String> response = get(client(env), target());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello");
    String basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(
        StandardCharsets.UTF_8));
    assertThat(proxy.forwarded()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo("GET " + target() + " HTTP/1.1");
      assertThat(r.proxyAuthorization()).isEqualTo(basic);
    });
  }

  @Test
  void httpsIsTunnelledWithCredentialsOnceInstalled() throws Exception {
    ProxyEnv env = ProxyEnv.parse(Map.of("HTTPS_PROXY", proxyUrl()));
    env.installAsDefaults();
    assertThat(System.getProperty(ProxyEnv.TUNNELING_DISABLED_SCHEMES)).isEmpty();
    assertThat(ProxySelector.getDefault().select(URI.create("https://127.0.0.1:1/"))).singleElement()
        .satisfies(p -> assertThat(p.address()).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1",
            proxy.port())));
    try (ServerSocket hangUp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        // Every connection closed at once: the handshake in the tunnel fails fast; the tunnel itself is the point.
        while (true) {
          try (Socket s = hangUp.accept()) {
            s.shutdownOutput();
          } catch (IOException closed) {
            return;
          }
        }
      });
      String tls = "https://127.0.0.1:" + hangUp.getLocalPort() + "/hello";

      assertThatThrownBy(() -> get(client(env), tls)).isInstanceOf(IOException.class);

      // The client may retry a connection that failed this way: each attempt is an authorised CONNECT.
      assertThat(proxy.forwarded()).isNotEmpty().allSatisfy(r -> assertThat(r.line())
          .isEqualTo("CONNECT 127.0.0.1:" + hangUp.getLocalPort() + " HTTP/1.1"));
    }
  }

  @Test
  void noProxyGoesDirect() throws Exception {
    ProxyEnv env = ProxyEnv.parse(Map.of("HTTP_PROXY", proxyUrl(), "NO_PROXY", "localhost,127.0.0.0/8"));

    assertThat(get(client(env), target()).body()).isEqualTo("hello");

    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void wrongCredentialsEndInA407() throws Exception {
    ProxyEnv env = ProxyEnv.parse(Map.of("HTTP_PROXY", "http://" + USER + ":wrong@127.0.0.1:" + proxy.port()));

    assertThatThrownBy(() -> get(client(env), target())).isInstanceOf(IOException.class)
        .hasMessageContaining("too many authentication attempts");
    assertThat(proxy.requests()).isNotEmpty();
    assertThat(proxy.forwarded()).isEmpty();
  }
}
