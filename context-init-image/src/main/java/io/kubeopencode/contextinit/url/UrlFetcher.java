package io.kubeopencode.contextinit.url;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.url.FileBodySubscriber.BodyTooLarge;
import io.kubeopencode.contextinit.url.FileBodySubscriber.WriteFailed;
import io.kubeopencode.podcontract.ProxyEndpoint;
import io.kubeopencode.podcontract.ProxyEnv;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Downloads one URL into a file with the JDK's HttpClient. Redirects are followed here rather than by the client,
 * so that the credentials and configured headers only ever go to the original URL's origin. The timeout bounds
 * the whole download (every redirect, headers and body), the size limit the body.
 */
public final class UrlFetcher {

  /** What to fetch. {@code what} names it in logs ("URL context 2"). */
  public record Request(String what, URI source, Map<String, String> headers, Optional<Credentials> credentials,
      int timeoutSeconds, boolean insecureSkipTlsVerify) {}

  /** The status a proxy answers when it wants credentials, or refuses the ones given. */
  private static final int PROXY_AUTHENTICATION_REQUIRED = 407;
  private final long maxBytes;
  private final Log log;
  private final SSLContext verifiedTls;
  private final ProxyEnv proxy;

  public UrlFetcher(long maxBytes, Log log) {
    this(maxBytes, log, null, ProxyEnv.NONE);
  }

  /**
   * @param verifiedTls TLS for URLs whose certificates are verified (custom CAs), or null for the JVM's default
   * @param proxy HTTP(S)_PROXY and NO_PROXY; the JVM's own proxy properties are never used
   */
  public UrlFetcher(long maxBytes, Log log, SSLContext verifiedTls, ProxyEnv proxy) {
    this.maxBytes = maxBytes;
    this.log = log;
    this.verifiedTls = verifiedTls != null ? verifiedTls : defaultSslContext();
    this.proxy = proxy;
  }

  /**
   * Writes the body of {@code request.source()} (after redirects) into {@code file}, an existing empty file.
   *
   * @return the number of bytes written
   * @throws Failure naming what went wrong; {@code file} may then hold part of the body and must be discarded
   */
  public long download(Request request, Path file) {
    Duration timeout = Duration.ofSeconds(request.timeoutSeconds());
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient.Builder builder = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(request.insecureSkipTlsVerify() ? TrustEverything.sslContext() : verifiedTls)
        .proxy(proxy.selector());
    // Answers the proxy's 407 only; a server's 401 is returned as it is (credentials are sent as headers).
    proxy.authenticator().ifPresent(builder::authenticator);
    HttpClient client = builder.build();
    try {
      URI current = request.source();
      for (int redirects = 0; ; redirects++) {
        boolean original = UrlRules.sameOrigin(request.source(), current);
        HttpResponse<Long> response = exchange(client, build(request, current, original, deadline), file, deadline,
            request, current);
        int status = response.statusCode();
        if (UrlRules.isSuccess(status)) {
          return response.body();
        }
        if (status == PROXY_AUTHENTICATION_REQUIRED && proxy.proxyFor(current).isPresent()) {
          throw new Failure(Kind.URL_PROXY, request.what() + ": the proxy " + proxy.proxyFor(current).get()
              + " wants credentials for " + UrlRules.redact(current) + " (HTTP 407)");
        }
        if (!UrlRules.isRedirect(status)) {
          throw new Failure(Kind.URL_HTTP_STATUS, request.what() + ": HTTP " + status + " from "
              + UrlRules.redact(current) + through(current));
        }
        if (redirects == UrlRules.MAX_REDIRECTS) {
          throw new Failure(Kind.URL_REDIRECT, request.what() + ": more than " + UrlRules.MAX_REDIRECTS
              + " redirects, the last from " + UrlRules.redact(current));
        }
        URI next = UrlRules.redirectTarget(current, response.headers().firstValue("Location").orElse(null),
            request.what());
        boolean withheld = !UrlRules.sameOrigin(request.source(), next)
            && (request.credentials().isPresent() || !request.headers().isEmpty());
        log.info(request.what() + ": HTTP " + status + ", redirected to " + UrlRules.redact(next)
            + (withheld ? " (another origin: credentials and configured headers are not sent there)" : ""));
        current = next;
      }
    } finally {
      client.shutdownNow();
    }
  }

  private HttpRequest build(Request request, URI uri, boolean original, long deadline) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET().timeout(remaining(deadline, request, uri));
    if (original) {
      request.headers().forEach(builder::header);
      request.credentials().ifPresent(c -> builder.setHeader("Authorization", c.headerValue()));
    }
    return builder.build();
  }

  private HttpResponse<Long> exchange(HttpClient client, HttpRequest httpRequest, Path file, long deadline,
      Request request, URI uri) {
    AtomicReference<FileBodySubscriber> body = new AtomicReference<>();
    BodyHandler<Long> handler = info -> {
      if (!UrlRules.isSuccess(info.statusCode())) {
        return new DiscardingSubscriber();
      }
      FileBodySubscriber subscriber = new FileBodySubscriber(file, maxBytes,
          info.headers().firstValueAsLong("Content-Length").orElse(-1));
      body.set(subscriber);
      return subscriber;
    };
    CompletableFuture<HttpResponse<Long>> future = client.sendAsync(httpRequest, handler);
    try {
      return future.get(remaining(deadline, request, uri).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      FileBodySubscriber subscriber = body.get();
      if (subscriber != null) {
        subscriber.abort();
      }
      throw timedOut(request, uri);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new Failure(Kind.URL_UNREACHABLE, request.what() + ": interrupted while fetching "
          + UrlRules.redact(uri));
    } catch (ExecutionException e) {
      throw failure(e.getCause(), request, uri);
    }
  }

  private Failure failure(Throwable error, Request request, URI uri) {
    String where = request.what() + ": " + UrlRules.redact(uri);
    Optional<ProxyEndpoint> via = proxy.proxyFor(uri);
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (via.isPresent() && t instanceof ConnectException) {
        return new Failure(Kind.URL_PROXY, where + ": cannot connect to the proxy " + via.get().display() + ": "
            + message(t), t);
      }
      if (via.isPresent() && String.valueOf(t.getMessage()).contains("too many authentication attempts")) {
        return new Failure(Kind.URL_PROXY, where + ": the proxy " + via.get().display() + " refused the"
            + " credentials of its proxy URL (HTTP 407)", t);
      }
      if (t instanceof BodyTooLarge tooLarge) {
        return new Failure(Kind.URL_TOO_LARGE, where + (tooLarge.declared
            ? " declares " + tooLarge.bytes + " bytes" : " sent more than " + maxBytes + " bytes")
            + ", over the limit of " + maxBytes + " (URL_MAX_BYTES)");
      }
      if (t instanceof WriteFailed) {
        return new Failure(Kind.IO_ERROR, where + ": could not write the download: " + t.getMessage(), t);
      }
      if (t instanceof HttpTimeoutException) {
        return timedOut(request, uri);
      }
      if (t instanceof SSLException) {
        return new Failure(Kind.URL_TLS, where + ": TLS failed: " + message(t)
            + (request.insecureSkipTlsVerify() ? "" : " (insecureSkipTLSVerify is off)"), t);
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
          || t instanceof UnresolvedAddressException) {
        return new Failure(Kind.URL_UNREACHABLE, where + ": cannot connect: " + message(t), t);
      }
    }
    return new Failure(Kind.URL_UNREACHABLE, where + ": request failed: " + message(error), error);
  }

  private Failure timedOut(Request request, URI uri) {
    return new Failure(Kind.URL_TIMEOUT, request.what() + ": no complete response from " + UrlRules.redact(uri)
        + " within " + request.timeoutSeconds() + "s" + through(uri));
  }

  /** " (through the proxy http://host:port)" when {@code uri} goes through one, else "". */
  private String through(URI uri) {
    return proxy.proxyFor(uri).map(p -> " (through the proxy " + p.display() + ")").orElse("");
  }

  private Duration remaining(long deadline, Request request, URI uri) {
    long nanos = deadline - System.nanoTime();
    if (nanos <= 0) {
      throw timedOut(request, uri);
    }
    return Duration.ofNanos(nanos);
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK offers no default TLS context", e);
    }
  }
}
