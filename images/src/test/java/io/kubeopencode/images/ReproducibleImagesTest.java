package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.KubeBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Building twice from the same commit gives the same images: a second build of the four images, with a base image
 * built from scratch in an empty cache (jlink, the Debian packages, the CDS archives, Jib) and another locale, must
 * produce the same image digests and byte-identical tars as the build this module runs after. A difference is
 * named (which files of which layers) and both tars are kept for inspection.
 */
@Tag("images")
class ReproducibleImagesTest {
  private static final Path ROOT = KubeBinaries.projectRoot();
  private static final Path EVIDENCE = ROOT.resolve("images/target/reproducibility-evidence");

  @Test
  void aSecondBuildWithAnEmptyCacheGivesTheSameDigests(@TempDir Path work) throws Exception {
    Path out = Files.createDirectories(work.resolve("rebuild"));
    Path log = work.resolve("rebuild.log");
    ProcessBuilder build = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-o", "-B", "-ntp",
        "-pl", "controller-service,cleanup-service,git-init-image,context-init-image", "-am", "package",
        "-DskipTests", "-Dimage.output.dir=" + out)
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    build.environment().put("KUBEOPENCODE_CACHE", work.resolve("cache").toString());
    // Another shell's locale too: the CDS archive once depended on it (app-image.sh now dumps in C.UTF-8).
    build.environment().put("LANG", "C");
    build.environment().remove("LC_ALL");
    build.environment().remove("MAVEN_ARGS");
    Process process = build.start();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("the second build (log: %s)", tail(log)).isZero();

    List<String> differing = new ArrayList<>();
    for (ShippedImage image : ShippedImage.values()) {
      Path first = image.tar();
      Path second = out.resolve(image.imageName() + ".tar");
      String digest = Files.readString(first.resolveSibling(image.imageName() + ".digest")).strip();
      System.out.printf("[images] %s: %s%n", image.imageName(), digest);
      String secondDigest = Files.readString(out.resolve(image.imageName() + ".digest")).strip();
      if (secondDigest.equals(digest)) {
        assertThat(sha256(second)).as("bytes of %s", second).isEqualTo(sha256(first));
        continue;
      }
      keepForInspection(first, second, image);
      differing.add(image.imageName() + ": " + secondDigest + " instead of " + digest + ": "
          + ImageDiff.describe(first, second));
    }
    assertThat(differing).as("images of the second build that differ (both tars kept in %s)", EVIDENCE).isEmpty();
  }

  /** Both builds' tars, where a failed run leaves them for a diff (the second build's are in a temporary dir). */
  private static void keepForInspection(Path first, Path second, ShippedImage image) throws IOException {
    Files.createDirectories(EVIDENCE);
    Files.copy(first, EVIDENCE.resolve(image.imageName() + "-first.tar"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(second, EVIDENCE.resolve(image.imageName() + "-second.tar"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
