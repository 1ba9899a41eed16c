package io.kubeopencode.podcontract.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP proxy on 127.0.0.1 for tests: forwards absolute-form requests ({@code GET http://host:port/path}) and
 * tunnels {@code CONNECT host:port}, records every request line, and optionally demands Basic credentials (407
 * otherwise). It connects to 127.0.0.1 only, whatever the request names: tests never reach another address.
 * Forwarded requests get {@code Connection: close}, so each request line it records is one exchange.
 */
public final class ForwardProxy implements AutoCloseable {

  /** A request as the proxy saw it: the request line and its Proxy-Authorization header (or null). */
  public record Request(String line, String proxyAuthorization) {
    public String method() {
      return line.split(" ")[0];
    }

    public String target() {
      return line.split(" ")[1];
    }
  }

  private final ServerSocket server;
  private final String expectedAuthorization;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "forward-proxy");
    t.setDaemon(true);
    return t;
  });

  private ForwardProxy(ServerSocket server, String expectedAuthorization) {
    this.server = server;
    this.expectedAuthorization = expectedAuthorization;
    pool.submit(this::acceptLoop);
  }

  /** A proxy that needs no credentials. */
  public static ForwardProxy start() throws IOException {
    return new ForwardProxy(bind(), null);
  }

  /** A proxy that answers 407 unless the request carries Basic {@code user:password}. */
  public static ForwardProxy start(String user, String password) throws IOException {
    String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new ForwardProxy(bind(), "Basic " + token);
  }

  private static ServerSocket bind() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return s;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Every request line received, 407-answered ones included, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests that were let through (authorised, or no credentials required). */
  public List<Request> forwarded() {
    return requests.stream().filter(this::authorised).toList();
  }

  private boolean authorised(Request r) {
    return expectedAuthorization == null || expectedAuthorization.equals(r.proxyAuthorization());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        pool.submit(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      List<String> head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      Request request = new Request(head.getFirst(), header(head, "proxy-authorization"));
      requests.add(request);
      OutputStream out = client.getOutputStream();
      if (!authorised(request)) {
        answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test\"\r\n");
        return;
      }
      boolean connect = request.method().equalsIgnoreCase("CONNECT");
      URI target = URI.create(connect ? "//" + request.target() : request.target());
      boolean loopback = "127.0.0.1".equals(target.getHost()) || "localhost".equals(target.getHost());
      if (target.getPort() < 0 || !loopback) {
        answer(out, "403 Forbidden", "");
        return;
      }
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target.getPort())) {
        open.add(upstream);
        if (connect) {
          out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
          upstream.getOutputStream().write(originForm(head, target).getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
        relay(in, out, upstream);
      }
    } catch (IOException e) {
      // A client or server that went away: nothing to do for a test proxy.
    }
  }

  /** Copies client → upstream on another thread and upstream → client here, until the upstream side ends. */
  private void relay(InputStream clientIn, OutputStream clientOut, Socket upstream) throws IOException {
    pool.submit(() -> {
      try {
        clientIn.transferTo(upstream.getOutputStream());
        upstream.shutdownOutput();
      } catch (IOException e) {
        // closed by the other direction
      }
    });
    upstream.getInputStream().transferTo(clientOut);
    clientOut.flush();
  }

  private static String originForm(List<String> head, URI target) {
    String[] line = head.getFirst().split(" ");
    String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
        + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    StringBuilder out = new StringBuilder(line[0] + " " + path + " " + line[2] + "\r\n");
    for (String h : head.subList(1, head.size())) {
      String name = h.substring(0, Math.max(h.indexOf(':'), 0)).strip().toLowerCase(Locale.ROOT);
      if (!name.startsWith("proxy-") && !name.equals("connection") && !name.equals("keep-alive")) {
        out.append(h).append("\r\n");
      }
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  private static void answer(OutputStream out, String status, String headers) throws IOException {
    out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The request line and header lines, up to the empty line; empty at end of stream. */
  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b != '\n') {
        line.write(b);
        continue;
      }
      String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
      line.reset();
      if (text.isEmpty()) {
        return lines;
      }
      lines.add(text);
    }
    return List.of();
  }

  private static String header(List<String> head, String name) {
    for (String h : head.subList(1, head.size())) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase(name)) {
        return h.substring(colon + 1).strip();
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    pool.shutdownNow();
  }
}
