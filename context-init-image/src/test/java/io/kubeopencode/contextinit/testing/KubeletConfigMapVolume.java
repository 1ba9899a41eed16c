package io.kubeopencode.contextinit.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Lays out a ConfigMap volume as the kubelet's atomic writer does: the files in {@code ..<timestamp>/},
 * {@code ..data} a link to it, and each top-level visible name a link {@code name -> ..data/name}.
 */
public final class KubeletConfigMapVolume {
  private KubeletConfigMapVolume() {}

  /** @param items volume path (e.g. {@code dirs/3/a.md}) to content */
  public static Path create(Path mount, Map<String, String> items) throws IOException {
    Path timestamped = mount.resolve("..2025_01_02_03_04_05.123456789");
    Files.createDirectories(timestamped);
    Set<String> topLevel = new LinkedHashSet<>();
    for (Map.Entry<String, String> item : items.entrySet()) {
      Path file = timestamped.resolve(item.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, item.getValue(), StandardCharsets.UTF_8);
      topLevel.add(item.getKey().split("/")[0]);
    }
    Files.createSymbolicLink(mount.resolve("..data"), Path.of(timestamped.getFileName().toString()));
    for (String name : topLevel) {
      Files.createSymbolicLink(mount.resolve(name), Path.of("..data", name));
    }
    return mount;
  }
}
