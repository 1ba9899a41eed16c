package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each shipped image is: its tag, user, entrypoint, environment, labels and root file system. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageConfigTest {
  /** The goal of the images issue: each app image at most 75 MB compressed. */
  private static final long MAX_COMPRESSED_BYTES = 75L * 1000 * 1000;

  private final Map<ShippedImage, UnpackedImage> images = new EnumMap<>(ShippedImage.class);
  private Path work;

  @BeforeAll
  void unpack() throws IOException {
    work = Files.createTempDirectory("image-config-test");
    for (ShippedImage image : ShippedImage.values()) {
      assertThat(image.tar()).as("the build writes %s", image.tar()).isRegularFile();
      images.put(image, UnpackedImage.open(image.tar(), Files.createDirectories(work.resolve(image.imageName()))));
    }
  }

  @AfterAll
  void removeUnpacked() throws IOException {
    UnpackedImage.run(List.of("rm", "-rf", work.toString()));
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void isTaggedWithTheNameAndVersionOfThePom(ShippedImage image) {
    assertThat(images.get(image).repoTags()).containsExactly(image.reference());
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void runsTheJvmOfTheBaseImageAsTheNumericNonRootUser(ShippedImage image) {
    UnpackedImage tar = images.get(image);

    assertThat(tar.runConfig().get("User").asText()).isEqualTo("65532:65532");
    assertThat(tar.strings("Entrypoint")).containsExactly("/opt/java/bin/java", "@/app/java.args");
    assertThat(tar.strings("Cmd")).isEqualTo(image.cmd());
    assertThat(tar.strings("Env")).contains("JAVA_HOME=/opt/java").anyMatch(e -> e.startsWith("PATH=/opt/java/bin:"));
    assertThat(tar.runConfig().get("WorkingDir").asText()).isEqualTo("/");
    assertThat(tar.runConfig().get("Labels").get("org.opencontainers.image.title").asText())
        .isEqualTo(image.imageName());
    assertThat(tar.runConfig().get("Labels").get("org.opencontainers.image.version").asText())
        .isEqualTo(ShippedImage.property("image.tag"));
    assertThat(tar.rootfs().resolve("opt/java/bin/java")).isExecutable();
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void theJvmArgumentFileNamesJarsOfTheImageAndItsCdsArchive(ShippedImage image) throws IOException {
    Path root = images.get(image).rootfs();
    List<String> args = Files.readAllLines(root.resolve("app/java.args"));

    assertThat(args).contains("-XX:SharedArchiveFile=/app/app.jsa", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData")
        .anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
    assertThat(root.resolve("app/app.jsa")).isRegularFile();
    String classPath = args.get(args.indexOf("-cp") + 1);
    for (String jar : classPath.split(":")) {
      assertThat(root.resolve(jar.substring(1))).as("class path entry %s", jar).isRegularFile();
    }
    assertThat(args.getLast()).startsWith("io.kubeopencode.");
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void carriesNoSignedJar(ShippedImage image) throws IOException {
    // The JVM never shares classes of a signed jar: app-image.sh puts copies without signatures in /app/unsigned
    // and Jib's layer filter drops the signed originals.
    try (Stream<Path> jars = Files.walk(images.get(image).rootfs().resolve("app"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          assertThat(zip.stream().map(e -> e.getName()))
              .as("signature files in %s", jar.getFileName())
              .noneMatch(n -> n.matches("META-INF/[^/]*\\.(SF|RSA|DSA|EC)"));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void hasNoShellAndAMinimalUserland(ShippedImage image) throws IOException {
    Path root = images.get(image).rootfs();

    for (String shell : List.of("bin/sh", "bin/bash", "bin/dash", "usr/bin/sh", "usr/bin/bash", "bin/busybox")) {
      assertThat(root.resolve(shell)).as("a shell at /%s", shell).doesNotExist();
    }
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
    assertThat(Files.readString(root.resolve("etc/group"))).contains("nonroot:x:65532:");
    assertThat(Files.getPosixFilePermissions(root.resolve("tmp"), LinkOption.NOFOLLOW_LINKS))
        .containsExactlyInAnyOrder(PosixFilePermission.values());
    assertThat(Files.getAttribute(root.resolve("tmp"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
        .as("/tmp is 1777 (sticky)").isEqualTo(01777 | 040000);
    assertThat(Files.size(root.resolve("etc/ssl/certs/ca-certificates.crt"))).isPositive();
    assertThat(setuidFiles(root)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ShippedImage.class)
  void isAtMost75MegabytesCompressed(ShippedImage image) throws IOException {
    long bytes = images.get(image).compressedBytes();
    System.out.printf("[images] %s: %.1f MB compressed, %d layers%n", image.imageName(), bytes / 1e6,
        images.get(image).layers());

    assertThat(bytes).isLessThanOrEqualTo(MAX_COMPRESSED_BYTES);
  }

  @Test
  void theControllersDefaultSystemImagesAreTheImagesOfThisBuild() throws IOException {
    Properties defaults = new Properties();
    Path jar = ShippedImage.CONTROLLER.module().resolve("target/kubeopencode-controller.jar");
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry("io/kubeopencode/controller/system-images.properties"))) {
      defaults.load(in);
    }

    assertThat(defaults.getProperty("git-init")).isEqualTo(ShippedImage.GIT_INIT.reference());
    assertThat(defaults.getProperty("context-init")).isEqualTo(ShippedImage.CONTEXT_INIT.reference());
  }

  private static List<Path> setuidFiles(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 06000) != 0) {
          found.add(root.relativize(p));
        }
      }
    }
    return found;
  }
}
