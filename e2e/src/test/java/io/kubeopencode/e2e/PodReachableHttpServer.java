package io.kubeopencode.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Fixed documents over plain HTTP on the address pods reach (URL contexts). Unknown paths get 404. */
final class PodReachableHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final String address;

  private PodReachableHttpServer(HttpServer server, String address) {
    this.server = server;
    this.address = address;
  }

  static PodReachableHttpServer start(String address, Map<String, String> documents) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
    server.createContext("/", exchange -> {
      String body = documents.get(exchange.getRequestURI().getPath());
      byte[] bytes = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    return new PodReachableHttpServer(server, address);
  }

  String url(String path) {
    return "http://" + address + ":" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
