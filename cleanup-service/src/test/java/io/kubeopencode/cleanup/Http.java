package io.kubeopencode.cleanup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs against a service instance on 127.0.0.1 (where the tests bind it). Timeouts generous: a busy machine. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Http() {}

  /** The status code, or -1 when nothing answers. */
  public static int status(int port, String path) {
    try {
      return CLIENT.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  public static String get(int port, String path) throws Exception {
    return CLIENT.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The body, or "" when nothing answers. */
  public static String bodyOrEmpty(int port, String path) {
    try {
      return get(port, path);
    } catch (Exception e) {
      return "";
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
        .build();
  }
}
