package io.kubeopencode.contextinit.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.testing.LocalHttpServer;
import io.kubeopencode.contextinit.testing.SelfSignedTls;
import io.kubeopencode.contextinit.testing.TestCa;
import io.kubeopencode.podcontract.ProxyEnv;
import io.kubeopencode.testsupport.ListeningSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against real local HTTP and HTTPS servers. */
class UrlFetcherTest {
  private static final Optional<Credentials> BEARER =
      Optional.of(new Credentials("Bearer", "Bearer s3cret-token", List.of("s3cret-token")));

  @TempDir
  Path tmp;
  LocalHttpServer server;
  Path file;
  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  Log log;

  @BeforeEach
  void start() throws IOException {
    server = LocalHttpServer.http();
    file = Files.createFile(tmp.resolve("download"));
    PrintStream out = new PrintStream(logged, true, StandardCharsets.UTF_8);
    log = new Log("test", out, out);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long fetch(String url, Map<String, String> headers, Optional<Credentials> credentials, int timeout,
      long maxBytes) {
    return new UrlFetcher(maxBytes, log).download(new UrlFetcher.Request("URL context 0", URI.create(url), headers,
        credentials, timeout, false), file);
  }

  private long fetch(String url) {
    return fetch(url, Map.of(), Optional.empty(), 5, 1024);
  }

  @Test
  void downloadsWithTheConfiguredHeadersAndBearerToken() throws IOException {
    server.onText("/doc", "the content");

    long bytes = fetch(server.url("/doc?x=1"), Map.of("X-Custom", "yes", "Accept", "text/plain"), BEARER, 5,
        1024);

    assertThat(bytes).isEqualTo(11);
    assertThat(Files.readString(file)).isEqualTo("the content");
    LocalHttpServer.Seen request = server.requests().get(0);
    assertThat(request.path()).isEqualTo("/doc?x=1");
    assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret-token");
    assertThat(request.header("X-Custom")).isEqualTo("yes");
    assertThat(request.header("Accept")).isEqualTo("text/plain");
  }

  @Test
  void basicCredentials() throws IOException {
    server.onText("/doc", "ok");
    Credentials basic = Credentials.from("U", Map.of("U_USERNAME", "bob", "U_PASSWORD", "pw"), "u").orElseThrow();

    fetch(server.url("/doc"), Map.of(), Optional.of(basic), 5, 1024);

    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Basic Ym9iOnB3");
  }

  @Test
  void aRedirectToTheSameOriginKeepsCredentialsAndHeaders() throws IOException {
    server.onRedirect("/old", 301, "new").onRedirect("/new", 307, "/final").onText("/final", "moved");

    fetch(server.url("/old"), Map.of("X-Custom", "yes"), BEARER, 5, 1024);

    assertThat(Files.readString(file)).isEqualTo("moved");
    assertThat(server.requests()).extracting(LocalHttpServer.Seen::path).containsExactly("/old", "/new", "/final");
    assertThat(server.requests()).allSatisfy(r -> {
      assertThat(r.header("Authorization")).isEqualTo("Bearer s3cret-token");
      assertThat(r.header("X-Custom")).isEqualTo("yes");
    });
  }

  @Test
  void credentialsAndHeadersNeverGoToAnotherHost() throws IOException {
    // localhost and 127.0.0.1 are the same server but different hosts: another origin for the rules.
    server.onRedirect("/start", 302, server.url("/elsewhere"))
        .onRedirect("/elsewhere", 302, server.urlViaLocalhost("/back"))
        .onText("/back", "home again");

    fetch(server.urlViaLocalhost("/start"), Map.of("X-Custom", "yes"), BEARER, 5, 1024);

    assertThat(Files.readString(file)).isEqualTo("home again");
    assertThat(server.requests("/start").get(0).header("Authorization")).isEqualTo("Bearer s3cret-token");
    LocalHttpServer.Seen elsewhere = server.requests("/elsewhere").get(0);
    assertThat(elsewhere.header("Authorization")).isNull();
    assertThat(elsewhere.header("X-Custom")).isNull();
    assertThat(server.requests("/back").get(0).header("Authorization")).isEqualTo("Bearer s3cret-token");
    assertThat(logged.toString(StandardCharsets.UTF_8))
        .contains("HTTP 302, redirected to http://127.0.0.1:" + server.port() + "/elsewhere (another origin: "
            + "credentials and configured headers are not sent there)")
        .doesNotContain("s3cret");
  }

  @Test
  void redirectLoopsEnd() {
    server.onRedirect("/loop", 302, "/loop");

    assertThatThrownBy(() -> fetch(server.url("/loop")))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_REDIRECT))
        .hasMessage("UrlRedirect: URL context 0: more than 10 redirects, the last from http://127.0.0.1:"
            + server.port() + "/loop");
    assertThat(server.requests()).hasSize(11);
  }

  @Test
  void aRedirectToAnotherSchemeIsRefused() {
    server.onRedirect("/r", 302, "file:///etc/passwd");

    assertThatThrownBy(() -> fetch(server.url("/r")))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_REDIRECT));
  }

  @Test
  void anErrorStatusIsNamedAndItsBodyNotWritten() throws IOException {
    server.on("/missing", exchange -> LocalHttpServer.respond(exchange, 404, "not here"));

    assertThatThrownBy(() -> fetch(server.url("/missing?token=abc")))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_HTTP_STATUS))
        .hasMessage("UrlHttpStatus: URL context 0: HTTP 404 from http://127.0.0.1:" + server.port()
            + "/missing?...");
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
    server.onText("/big", "x".repeat(2000));

    assertThatThrownBy(() -> fetch(server.url("/big"), Map.of(), Optional.empty(), 5, 1000))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TOO_LARGE))
        .hasMessageContaining("declares 2000 bytes, over the limit of 1000 (URL_MAX_BYTES)");
  }

  @Test
  void aStreamedBodyOverTheLimitIsCutOffWithoutWritingPastIt() throws IOException {
    server.on("/stream", exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked: no length declared
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 100; i++) {
          out.write(new byte[512]);
          out.flush();
        }
      } catch (IOException clientGaveUp) {
        // Expected: the client cancels.
      }
    });

    assertThatThrownBy(() -> fetch(server.url("/stream"), Map.of(), Optional.empty(), 5, 4096))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TOO_LARGE))
        .hasMessageContaining("sent more than 4096 bytes");
    assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
  }

  @Test
  void exactlyTheLimitIsFine() throws IOException {
    server.onText("/edge", "y".repeat(1000));

    assertThat(fetch(server.url("/edge"), Map.of(), Optional.empty(), 5, 1000)).isEqualTo(1000);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() {
    // The server answers only when released (after the fetch) or after a minute: the fetch ends by its own timeout.
    CountDownLatch release = new CountDownLatch(1);
    server.on("/slow", exchange -> await(release, Duration.ofSeconds(60)));
    try {
      assertThatThrownBy(() -> fetch(server.url("/slow"), Map.of(), Optional.empty(), 1, 1024))
          .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TIMEOUT))
          .hasMessage("UrlTimeout: URL context 0: no complete response from http://127.0.0.1:" + server.port()
              + "/slow within 1s");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aBodyThatTricklesPastTheDeadlineTimesOut() {
    // A byte every 100 ms for a minute: each read is quick, so only the deadline for the whole response ends it.
    CountDownLatch release = new CountDownLatch(1);
    server.on("/trickle", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 600 && !await(release, Duration.ofMillis(100)); i++) {
          out.write('a');
          out.flush();
        }
      } catch (IOException clientGaveUp) {
        // Expected.
      }
    });
    try {
      assertThatThrownBy(() -> fetch(server.url("/trickle"), Map.of(), Optional.empty(), 1, 1024))
          .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TIMEOUT));
    } finally {
      release.countDown();
    }
  }

  @Test
  void theTestServersListenOnLoopbackOnly() throws Exception {
    try (LocalHttpServer https = LocalHttpServer.https(SelfSignedTls.serverContext(tmp))) {
      assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
          .extracting(ListeningSockets.Listener::port).contains(server.port(), https.port());
    }
  }

  @Test
  void aClosedPortIsUnreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    int closedPort = port;
    assertThatThrownBy(() -> fetch("http://127.0.0.1:" + closedPort + "/x"))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_UNREACHABLE))
        .hasMessageStartingWith("UrlUnreachable: URL context 0: http://127.0.0.1:" + closedPort
            + "/x: cannot connect: ConnectException");
  }

  @Test
  void anUntrustedCertificateFailsUnlessVerificationIsSkipped() throws Exception {
    try (LocalHttpServer https = LocalHttpServer.https(SelfSignedTls.serverContext(tmp))) {
      https.onText("/secure", "over tls");
      UrlFetcher fetcher = new UrlFetcher(1024, log);
      URI uri = URI.create(https.url("/secure"));

      assertThatThrownBy(() -> fetcher.download(new UrlFetcher.Request("URL context 0", uri, Map.of(),
          Optional.empty(), 5, false), file))
          .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TLS))
          .hasMessageContaining("TLS failed").hasMessageContaining("(insecureSkipTLSVerify is off)");

      // The certificate is self-signed and names neither 127.0.0.1 nor localhost: both checks are skipped.
      long bytes = fetcher.download(new UrlFetcher.Request("URL context 0", uri, Map.of(), Optional.empty(), 5,
          true), file);
      assertThat(bytes).isEqualTo(8);
      assertThat(Files.readString(file)).isEqualTo("over tls");
    }
  }

  @Test
  void aPrivateCaIsTrustedWhenGivenAndHostNamesAreStillChecked() throws Exception {
    TestCa ca = TestCa.create(Files.createDirectory(tmp.resolve("ca")));
    try (LocalHttpServer https = LocalHttpServer.https(ca.serverContext())) {
      https.onText("/secure", "signed by the private CA");
      CaBundle bundle = CaBundle.read(Files.writeString(tmp.resolve("ca.pem"), ca.caPem()));
      URI uri = URI.create(https.url("/secure"));
      UrlFetcher.Request request = new UrlFetcher.Request("URL context 0", uri, Map.of(), Optional.empty(), 5, false);

      assertThatThrownBy(() -> new UrlFetcher(1024, log).download(request, file))
          .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TLS));

      UrlFetcher trusting = new UrlFetcher(1024, log, bundle.sslContext(), ProxyEnv.NONE);
      assertThat(trusting.download(request, file)).isEqualTo(24);
      assertThat(Files.readString(file)).isEqualTo("signed by the private CA");
      // The certificate names 127.0.0.1 only: the CA is trusted, the host name check stays.
      URI byName = URI.create(https.urlViaLocalhost("/secure"));
      assertThatThrownBy(() -> trusting.download(new UrlFetcher.Request("URL context 0", byName, Map.of(),
          Optional.empty(), 5, false), file))
          .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Kind.URL_TLS));
    }
  }

  /** Whether the latch opened within {@code timeout}. */
  private static boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
