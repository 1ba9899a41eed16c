package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.ListeningSockets.Listener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real registry (distribution) starts on loopback, answers the registry API, and leaves nothing behind. */
@Tag("images")
class LocalRegistryTest {
  @Test
  void answersTheRegistryApiOnLoopbackOnlyAndLeavesNoProcessOrStorage(@TempDir Path work) {
    long pid;
    Path storage;
    try (LocalRegistry registry = LocalRegistry.start(work)) {
      pid = registry.pid();
      storage = registry.storage();
      System.out.printf("[registry] %s (pid %d) answered /v2/ %d ms after launch%n", registry.host(), pid,
          registry.startupTime().toMillis());

      assertThat(registry.host()).isEqualTo("127.0.0.1:" + registry.port());
      assertThat(registry.ping()).isEqualTo(200);
      List<Listener> listeners = ListeningSockets.assertLoopbackOnly(pid);
      assertThat(listeners).extracting(Listener::port).containsExactly(registry.port());
      assertThat(registry.tags("kubeopencode/nothing")).isEmpty();
      assertThat(registry.manifestDigest("kubeopencode/nothing", "1")).isEmpty();
      assertThat(storage).isDirectory();
    }

    assertThat(ProcessHandle.of(pid)).as("registry pid %d after close", pid).isEmpty();
    assertThat(Files.exists(storage)).as("storage %s after close", storage).isFalse();
  }

  @Test
  void tellsTheDigestOfAPushedManifest(@TempDir Path work) throws Exception {
    try (LocalRegistry registry = LocalRegistry.start(work)) {
      HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
      String base = "http://" + registry.host() + "/v2/kubeopencode/tiny";
      byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);
      byte[] layer = "not really a tar, the registry does not look".getBytes(StandardCharsets.UTF_8);
      for (byte[] blob : List.of(config, layer)) {
        // A monolithic upload: open an upload session, then one PUT with the whole blob and its digest.
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as("upload session: %s", session.body()).isEqualTo(202);
        URI location = URI.create(base).resolve(session.headers().firstValue("Location").orElseThrow());
        String separator = location.getQuery() == null ? "?" : "&";
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(
                URI.create(location + separator + "digest=" + digest(blob)))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as("upload: %s", upload.body()).isEqualTo(201);
      }
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config)
          + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
          + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + digest(layer) + "\",\"size\":"
          + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/manifests/1"))
          .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as("manifest: %s", put.body()).isEqualTo(201);

      assertThat(registry.tags("kubeopencode/tiny")).containsExactly("1");
      assertThat(registry.manifestDigest("kubeopencode/tiny", "1")).contains(digest(manifest));
      assertThat(registry.manifest("kubeopencode/tiny", "1")).isEqualTo(new String(manifest, StandardCharsets.UTF_8));
      assertThat(registry.manifestDigest("kubeopencode/tiny", "2")).isEmpty();
      assertThat(registry.blob("kubeopencode/tiny", digest(layer))).isEqualTo(layer);
    }
  }

  private static String digest(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
