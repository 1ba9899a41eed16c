package io.kubeopencode.contextinit.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/** A real HTTP(S) server on 127.0.0.1 that records every request it receives. */
public final class LocalHttpServer implements AutoCloseable {

  /** One received request: path (with query) and the headers, names lower-cased. */
  public record Seen(String path, Map<String, List<String>> headers) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String scheme;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  private LocalHttpServer(HttpServer server, ExecutorService executor, String scheme) {
    this.server = server;
    this.executor = executor;
    this.scheme = scheme;
  }

  public static LocalHttpServer http() throws IOException {
    return start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
  }

  public static LocalHttpServer https(SSLContext tls) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    return start(server, "https");
  }

  private static LocalHttpServer start(HttpServer server, String scheme) {
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new LocalHttpServer(server, executor, scheme);
  }

  /** Serves {@code path} with {@code handler}; every request is recorded first. */
  public LocalHttpServer on(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      Map<String, List<String>> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      seen.add(new Seen(exchange.getRequestURI().toString(), headers));
      try (exchange) {
        handler.handle(exchange);
      }
    });
    return this;
  }

  /** Answers 200 with {@code body}. */
  public LocalHttpServer onText(String path, String body) {
    return on(path, exchange -> respond(exchange, 200, body));
  }

  /** Answers {@code status} with a Location header. */
  public LocalHttpServer onRedirect(String path, int status, String location) {
    return on(path, exchange -> {
      exchange.getResponseHeaders().add("Location", location);
      exchange.sendResponseHeaders(status, -1);
    });
  }

  public static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A URL of this server with host 127.0.0.1. */
  public String url(String path) {
    return scheme + "://127.0.0.1:" + port() + path;
  }

  /** The same server under another host name: another origin for the redirect rules. */
  public String urlViaLocalhost(String path) {
    return scheme + "://localhost:" + port() + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Seen> requests() {
    return List.copyOf(seen);
  }

  public List<Seen> requests(String pathPrefix) {
    return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
