package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A tiny test image: Debian's static busybox (from {@link ContainerdBinaries#busybox()}) with every applet linked
 * in /bin, /etc/passwd and /etc/group (root and nonroot 65532), /tmp (1777). Written as a docker-archive tar (one
 * layer, reproducible: sorted, mtime 0, numeric owners) with GNU tar, which every build machine here has.
 */
public final class BusyboxImage {
  private BusyboxImage() {}

  /**
   * Writes the image to {@code tar}, tagged {@code repoTag} (e.g. {@code kubeopencode/busybox-test:1}), running as
   * {@code user} ({@code "65532:65532"}; null for root) with {@code PATH=/bin} and command {@code id} (a shell would wait for input: ctr never ends a
   * container's stdin).
   */
  public static Path write(Path tar, String repoTag, String user) {
    Path busybox = ContainerdBinaries.provision().busybox();
    Path staging = null;
    try {
      staging = Files.createTempDirectory("kubeopencode-busybox-image");
      Path rootfs = Files.createDirectories(staging.resolve("rootfs"));
      Path bin = Files.createDirectories(rootfs.resolve("bin"));
      Files.copy(busybox, bin.resolve("busybox"));
      Files.setPosixFilePermissions(bin.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String applet : applets(busybox)) {
        if (!applet.equals("busybox") && !Files.exists(bin.resolve(applet), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
      }
      Path etc = Files.createDirectories(rootfs.resolve("etc"));
      Files.writeString(etc.resolve("passwd"),
          "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n");
      Files.writeString(etc.resolve("group"), "root:x:0:\nnonroot:x:65532:\n");
      Files.createDirectories(rootfs.resolve("root"));
      Files.createDirectories(rootfs.resolve("home/nonroot"));
      Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
      for (String dir : List.of("proc", "sys", "dev")) {
        Files.createDirectories(rootfs.resolve(dir));
      }

      Path archive = Files.createDirectories(staging.resolve("archive"));
      Path layer = staging.resolve("layer.tar");
      // 1777 for /tmp and the nonroot home's owner are set in the tar itself (the staging files stay root's).
      tar(staging, List.of("-cf", layer.toString(), "-C", rootfs.toString(), "--exclude=./tmp",
          "--exclude=./home/nonroot", "."));
      tar(staging, List.of("-rf", layer.toString(), "-C", rootfs.toString(), "--mode=1777", "--no-recursion",
          "./tmp"));
      tar(staging, List.of("-rf", layer.toString(), "-C", rootfs.toString(), "--owner=65532", "--group=65532",
          "--mode=0755", "--no-recursion", "./home/nonroot"));
      String layerDigest = sha256(layer);
      Files.createDirectories(archive.resolve(layerDigest));
      Files.move(layer, archive.resolve(layerDigest).resolve("layer.tar"));
      String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"],"
          + "\"Cmd\":[\"id\"],\"WorkingDir\":\"/\"" + (user == null ? "" : ",\"User\":\"" + user + "\"")
          + "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + layerDigest + "\"]},"
          + "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"BusyboxImage\"}]}";
      byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
      String configName = sha256(configBytes) + ".json";
      Files.write(archive.resolve(configName), configBytes);
      Files.writeString(archive.resolve("manifest.json"), "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\""
          + repoTag + "\"],\"Layers\":[\"" + layerDigest + "/layer.tar\"]}]");
      Files.createDirectories(tar.toAbsolutePath().getParent());
      tar(staging, List.of("-cf", tar.toAbsolutePath().toString(), "-C", archive.toString(), "."));
      return tar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the busybox image " + tar, e);
    } finally {
      if (staging != null) {
        try (Stream<Path> walk = Files.walk(staging)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary directory
        }
      }
    }
  }

  private static List<String> applets(Path busybox) throws IOException {
    Process list = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
    String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    await(list, "busybox --list");
    return out.lines().map(String::strip).filter(s -> s.matches("[A-Za-z0-9_.\\[-]+")).toList();
  }

  private static void tar(Path workDir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("tar", "--sort=name", "--mtime=@0", "--numeric-owner",
        "--owner=0", "--group=0", "--format=gnu"));
    command.addAll(args);
    Process tar = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (await(tar, "tar") != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
  }

  private static int await(Process process, String what) throws IOException {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(what + " did not finish in 60 s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String sha256(Path file) throws IOException {
    return sha256(Files.readAllBytes(file));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
