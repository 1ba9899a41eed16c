package io.kubeopencode.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image tar as Jib writes it (a docker-archive: {@code manifest.json}, the config, gzipped layers; our own
 * tars are an OCI layout as well), unpacked with the system's {@code tar}: its tags, its config and its root file
 * system with every layer applied in order, owners and modes kept (the tests run as root, as the build machines do).
 */
final class UnpackedImage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path tar;
  private final JsonNode manifest;
  private final JsonNode config;
  private final Path unpacked;
  private final Path rootfs;

  private UnpackedImage(Path tar, Path unpacked, JsonNode manifest, JsonNode config, Path rootfs) {
    this.tar = tar;
    this.unpacked = unpacked;
    this.manifest = manifest;
    this.config = config;
    this.rootfs = rootfs;
  }

  /** Unpacks the image and its layers under {@code workDir}. */
  static UnpackedImage open(Path tar, Path workDir) {
    try {
      Path unpacked = Files.createDirectories(workDir.resolve("image"));
      run(List.of("tar", "-xf", tar.toString(), "-C", unpacked.toString()));
      JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
      JsonNode config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile());
      Path rootfs = Files.createDirectories(workDir.resolve("rootfs"));
      for (JsonNode layer : manifest.get("Layers")) {
        run(List.of("tar", "-xzpf", unpacked.resolve(layer.asText()).toString(), "--numeric-owner",
            "--same-owner", "-C", rootfs.toString()));
      }
      return new UnpackedImage(tar, unpacked, manifest, config, rootfs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image " + tar, e);
    }
  }

  List<String> repoTags() {
    List<String> tags = new ArrayList<>();
    manifest.get("RepoTags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /** The image config's {@code config} object: User, Entrypoint, Cmd, Env, WorkingDir, Labels. */
  JsonNode runConfig() {
    return config.get("config");
  }

  List<String> strings(String field) {
    List<String> values = new ArrayList<>();
    JsonNode node = runConfig().get(field);
    if (node != null) {
      node.forEach(v -> values.add(v.asText()));
    }
    return values;
  }

  /** The root file system with all layers applied. */
  Path rootfs() {
    return rootfs;
  }

  /** Compressed size: the config and the layers as a registry stores them. */
  long compressedBytes() throws IOException {
    long bytes = Files.size(unpacked.resolve(manifest.get("Config").asText()));
    for (JsonNode layer : manifest.get("Layers")) {
      bytes += Files.size(unpacked.resolve(layer.asText()));
    }
    return bytes;
  }

  int layers() {
    return manifest.get("Layers").size();
  }

  Path tar() {
    return tar;
  }

  static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
    return output;
  }
}
