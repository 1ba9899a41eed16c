package io.kubeopencode.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * What differs between two builds of one image (Jib's docker-archive tars): the config, and per layer the files
 * whose content, mode or owner differ. For the failure message of the reproducibility tests, so a difference can be
 * traced to its source without the (deleted) build outputs.
 */
final class ImageDiff {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageDiff() {}

  static String describe(Path first, Path second) {
    try {
      Map<String, Tar.Entry> a = Tar.read(first);
      Map<String, Tar.Entry> b = Tar.read(second);
      JsonNode ma = JSON.readTree(a.get("manifest.json").content()).get(0);
      JsonNode mb = JSON.readTree(b.get("manifest.json").content()).get(0);
      List<String> lines = new ArrayList<>();
      if (!Arrays.equals(a.get(ma.get("Config").asText()).content(), b.get(mb.get("Config").asText()).content())) {
        lines.add("config differs");
      }
      for (int i = 0; i < Math.max(ma.get("Layers").size(), mb.get("Layers").size()); i++) {
        String la = ma.get("Layers").path(i).asText();
        String lb = mb.get("Layers").path(i).asText();
        if (!la.equals(lb)) {
          lines.add("layer " + i + " differs: " + files(a.get(la), b.get(lb)));
        }
      }
      return lines.isEmpty() ? "no difference" : String.join("; ", lines);
    } catch (IOException | RuntimeException e) {
      return "could not compare " + first + " and " + second + ": " + e;
    }
  }

  private static String files(Tar.Entry layerA, Tar.Entry layerB) throws IOException {
    if (layerA == null || layerB == null) {
      return "missing in one image";
    }
    List<String> differ = differingFiles(layerA, layerB);
    return differ.isEmpty() ? "same files, other tar bytes (order or headers)" : String.join(", ", differ);
  }

  private static List<String> differingFiles(Tar.Entry layerA, Tar.Entry layerB) throws IOException {
    Map<String, Tar.Entry> a = Tar.read(gunzip(layerA.content()));
    Map<String, Tar.Entry> b = Tar.read(gunzip(layerB.content()));
    TreeSet<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    List<String> differ = new ArrayList<>();
    for (String name : names) {
      Tar.Entry x = a.get(name);
      Tar.Entry y = b.get(name);
      if (x == null || y == null || x.mode() != y.mode() || x.uid() != y.uid()
          || !Arrays.equals(x.content(), y.content())) {
        differ.add(name + (x == null ? " (only second)" : y == null ? " (only first)" : ""));
      }
    }
    if (differ.isEmpty()) {
      differ.add("(same files, other tar bytes: order or headers)");
    }
    return differ;
  }

  private static byte[] gunzip(byte[] data) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }
}
