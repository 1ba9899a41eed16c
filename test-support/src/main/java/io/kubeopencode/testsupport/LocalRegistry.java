package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OCI registry for tests that push images: CNCF distribution's {@code registry} (provisioned by
 * {@code hack/registry.sh}, built from Go modules and cached by version), started as a child process on
 * {@code 127.0.0.1:<free port>}, plain HTTP, no authentication, deletes enabled, its blobs in a directory under the
 * work directory. {@link #close()} stops it by PID and removes that storage.
 */
public final class LocalRegistry implements AutoCloseable {
  private static final String SCRIPT = "hack/registry.sh";
  /** What a client that takes any single-image or multi-platform manifest asks for (Docker's and OCI's). */
  static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json");
  private static final int START_ATTEMPTS = 3;
  private static Path binary;

  private final ManagedProcess process;
  private final int port;
  private final Path storage;
  private final Duration startupTime;
  private final HttpClient http;

  private LocalRegistry(ManagedProcess process, int port, Path storage, Duration startupTime, HttpClient http) {
    this.process = process;
    this.port = port;
    this.storage = storage;
    this.startupTime = startupTime;
    this.http = http;
  }

  /**
   * Runs {@code hack/registry.sh} once per JVM (a check of milliseconds when cached; a cold build takes a minute or
   * two) and returns the binary.
   */
  public static synchronized Path binary() {
    if (binary == null) {
      Path script = KubeBinaries.projectRoot().resolve(SCRIPT);
      try {
        Process provision = new ProcessBuilder("bash", script.toString())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        String out = new String(provision.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = provision.waitFor();
        Path path = out.isEmpty() ? null : Path.of(out.lines().reduce((first, last) -> last).orElseThrow());
        if (exit != 0 || path == null || !Files.isExecutable(path)) {
          throw new IllegalStateException(SCRIPT + " failed (exit code " + exit + ", printed '" + out
              + "'); its output above says why");
        }
        binary = path;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + script, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while provisioning the registry", e);
      }
    }
    return binary;
  }

  /**
   * Starts a registry with its configuration, log and storage in {@code workDir} and waits until {@code GET /v2/}
   * answers 200. A port taken between choosing and binding it (another process's) is retried on a new port.
   */
  public static LocalRegistry start(Path workDir) {
    Path registry = binary();
    Path storage = workDir.resolve("storage");
    HttpClient http = HttpClient.newBuilder()
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    IllegalStateException lastFailure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freeLoopbackPort();
      Path config = workDir.resolve("config.yml");
      Path log = workDir.resolve("registry.log");
      try {
        Files.createDirectories(storage);
        Files.writeString(config, config(storage, port));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the registry's configuration in " + workDir, e);
      }
      long begin = System.nanoTime();
      // No tracing export: distribution sends OpenTelemetry spans over OTLP unless told otherwise.
      ManagedProcess process = ManagedProcess.start("registry", List.of(registry.toString(), "serve",
          config.toString()), log, Map.of("OTEL_TRACES_EXPORTER", "none"));
      try {
        awaitReady(process, http, port);
        return new LocalRegistry(process, port, storage, Duration.ofNanos(System.nanoTime() - begin), http);
      } catch (IllegalStateException e) {
        process.close();
        lastFailure = e;
        if (!e.getMessage().contains("address already in use")) {
          break;
        }
      } catch (RuntimeException | Error e) {
        process.close();
        deleteTree(storage);
        throw e;
      }
    }
    deleteTree(storage);
    throw lastFailure;
  }

  static String config(Path storage, int port) {
    // No debug server (http.debug), so nothing listens but the API; uploads are never purged during a test; a
    // fixed upload secret (signs upload state; only this one registry reads it) instead of a logged warning.
    return """
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
          secret: kubeopencode-local-registry
        """.formatted(storage.toAbsolutePath(), port);
  }

  private static void awaitReady(ManagedProcess process, HttpClient http, int port) {
    URI base = URI.create("http://127.0.0.1:" + port + "/v2/");
    long deadline = System.nanoTime() + Await.LIVENESS.toNanos();
    String last = "no answer yet";
    while (true) {
      process.requireAlive();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(10))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode() + ": " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the registry did not answer GET " + base + " with 200 within "
            + Await.LIVENESS + " (last: " + last + "); last log lines:\n" + process.logTail(30));
      }
      sleep(50);
    }
  }

  /** {@code 127.0.0.1:<port>}: what an image reference names as its registry. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The registry's PID (its children, if any, are its descendants). */
  public long pid() {
    return process.pid();
  }

  /** From launching the process to the first 200 from {@code /v2/}. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Where the registry keeps its blobs (removed by {@link #close()}). */
  public Path storage() {
    return storage;
  }

  /** Sends {@code GET /v2/} and returns the status code. */
  public int ping() {
    return send(HttpRequest.newBuilder(uri("/v2/")).GET()).statusCode();
  }

  /** The tags of {@code repository} ({@code GET /v2/<repository>/tags/list}); empty when the registry has none. */
  public List<String> tags(String repository) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/tags/list")).GET());
    if (response.statusCode() == 404) {
      return List.of();
    }
    requireOk(response, "GET /v2/" + repository + "/tags/list");
    Matcher list = Pattern.compile("\"tags\"\\s*:\\s*\\[([^\\]]*)]").matcher(response.body());
    List<String> tags = new ArrayList<>();
    if (list.find()) {
      Matcher tag = Pattern.compile("\"([^\"]*)\"").matcher(list.group(1));
      while (tag.find()) {
        tags.add(tag.group(1));
      }
    }
    return tags;
  }

  /**
   * The digest of the manifest {@code repository:tag} ({@code sha256:...}, the {@code Docker-Content-Digest} of
   * {@code HEAD /v2/<repository>/manifests/<tag>}, asking for Docker v2 and OCI manifests and indexes), or empty when
   * the registry has no such manifest.
   */
  public Optional<String> manifestDigest(String repository, String tag) {
    String path = "/v2/" + repository + "/manifests/" + tag;
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
        .header("Accept", MANIFEST_TYPES)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    requireOk(response, "HEAD " + path);
    return Optional.of(response.headers().firstValue("Docker-Content-Digest").orElseThrow(
        () -> new IllegalStateException("HEAD " + path + " answered without a Docker-Content-Digest header: "
            + response.headers().map())));
  }

  /** The manifest itself ({@code GET}, same Accept header as {@link #manifestDigest}): its bytes as served. */
  public String manifest(String repository, String tag) {
    String path = "/v2/" + repository + "/manifests/" + tag;
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Accept", MANIFEST_TYPES).GET());
    requireOk(response, "GET " + path);
    return response.body();
  }

  /** A blob (a layer or an image config) as stored: {@code GET /v2/<repository>/blobs/<digest>}, whole in memory. */
  public byte[] blob(String repository, String digest) {
    String path = "/v2/" + repository + "/blobs/" + digest;
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri(path)).GET(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** Stops the registry by PID (SIGTERM, then SIGKILL) and removes its storage. */
  @Override
  public void close() {
    process.close();
    if (process.isAlive()) {
      throw new IllegalStateException("the registry (pid " + process.pid() + ") survived SIGKILL");
    }
    deleteTree(storage);
  }

  private URI uri(String path) {
    return URI.create("http://" + host() + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request.timeout(Await.LIVENESS).build(), body);
    } catch (IOException e) {
      process.requireAlive();
      throw new UncheckedIOException("cannot reach the registry at " + host(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the registry", e);
    }
  }

  private static void requireOk(HttpResponse<String> response, String what) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(what + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the registry's storage " + dir, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
