package io.kubeopencode.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeopencode.images.Tar.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An image tar as written by {@code hack/images/oci-archive.sh}: the archive's entries, its OCI index and manifest,
 * the image configuration, and the file system of its layers applied in order.
 */
record ImageTar(Map<String, Entry> entries, JsonNode index, JsonNode manifest, JsonNode config,
    Map<String, Entry> files) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ImageTar read(Path tar) throws IOException {
    Map<String, Entry> entries = Tar.read(tar);
    JsonNode index = json(entries, "index.json");
    JsonNode manifest = JSON.readTree(blob(entries, index.path("manifests").path(0).path("digest").asText()).content());
    JsonNode config = JSON.readTree(blob(entries, manifest.path("config").path("digest").asText()).content());
    Map<String, Entry> files = new LinkedHashMap<>();
    for (JsonNode layer : manifest.path("layers")) {
      files.putAll(Tar.read(blob(entries, layer.path("digest").asText()).content()));
    }
    files.remove("");
    return new ImageTar(entries, index, manifest, config, files);
  }

  JsonNode json(String name) throws IOException {
    return json(entries, name);
  }

  private static JsonNode json(Map<String, Entry> entries, String name) throws IOException {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new IOException("no " + name + " in the image tar; it has " + entries.keySet());
    }
    return JSON.readTree(entry.content());
  }

  static Entry blob(Map<String, Entry> entries, String digest) throws IOException {
    Entry entry = entries.get("blobs/" + digest.replace(':', '/'));
    if (entry == null) {
      throw new IOException("no blob " + digest + " in the image tar");
    }
    return entry;
  }
}
