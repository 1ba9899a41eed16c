package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push command of docs/images.md, run as documented against a real registry (CNCF distribution on 127.0.0.1,
 * test-support's {@link LocalRegistry}): the four images arrive under {@code <image.name>:<image.tag>}, and what the
 * registry serves is the image the build made: the manifest digest Jib reports, the config and layers of the tar
 * the same command's {@code buildTar} wrote, and for three of the four the very digest of the build this module runs
 * after. The controller is the exception, by design: it embeds the names of its init images, which contain
 * {@code image.registry} (below).
 */
@Tag("images")
class PushToRegistryTest {
  private static final Path ROOT = KubeBinaries.projectRoot();
  private static final String MODULES = "controller-service,cleanup-service,git-init-image,context-init-image";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDocumentedPushPutsTheFourImagesOfTheBuildInARegistry(@TempDir Path work) throws Exception {
    String tag = ShippedImage.property("image.tag");
    Map<ShippedImage, String> built = new EnumMap<>(ShippedImage.class);
    for (ShippedImage image : ShippedImage.values()) {
      built.put(image, Files.readString(digestFile(image.tar().getParent(), image)).strip());
    }
    Path out = Files.createDirectories(work.resolve("push"));
    Path log = work.resolve("push.log");

    try (LocalRegistry registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")));
        TargetSnapshot restore = TargetSnapshot.of(work.resolve("snapshot"))) {
      String imageRegistry = registry.host() + "/kubeopencode";
      // docs/images.md's command with this registry and the build's own tag, plus only:
      // -Djib.allowInsecureRegistries=true, since this registry speaks plain http (Jib tries https first, then
      // falls back to http only when allowed); -Dimage.output.dir, so the package phase's buildTar does not
      // overwrite the tars this module's other tests read. Not Maven's -o: Jib refuses to push in offline mode
      // ("Cannot build to a container registry in offline mode"); the build needs nothing that is not in the local
      // repository already, so Maven downloads nothing.
      List<String> command = List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp",
          "-DskipTests", "-Dimage.registry=" + imageRegistry, "-Dimage.tag=" + tag, "package", "jib:build@image",
          "-pl", MODULES, "-am",
          "-Djib.allowInsecureRegistries=true", "-Dimage.output.dir=" + out);
      ProcessBuilder build = new ProcessBuilder(command)
          .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      build.environment().remove("MAVEN_ARGS");
      long begin = System.nanoTime();
      Process process = build.start();
      if (!process.waitFor(20, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - begin);
      assertThat(process.exitValue()).as("the push (log: %s)", tail(log)).isZero();
      System.out.printf("[images] build and push of the four images to %s: %.1f s (%s)%n", imageRegistry,
          took.toMillis() / 1000.0, String.join(" ", command.subList(1, command.size())));

      for (ShippedImage image : ShippedImage.values()) {
        String repository = "kubeopencode/" + image.imageName();
        assertThat(registry.tags(repository)).as("tags of %s", repository).contains(tag);
        String pushed = registry.manifestDigest(repository, tag).orElseThrow();
        System.out.printf("[images] %s/%s:%s: %s (the build's tar: %s)%n", registry.host(), repository, tag,
            pushed, built.get(image));

        // What Jib reported for the push is what the registry serves.
        assertThat(pushed).as("jib:build's digest of %s", image.imageName())
            .isEqualTo(Files.readString(digestFile(out, image)).strip());
        // The registry holds the config and the layers of the tar the same command's buildTar wrote: one build,
        // two outputs. (The tar does not hold the manifest itself; the digest is of the manifest Jib sends.)
        JsonNode manifest = JSON.readTree(registry.manifest(repository, tag));
        TarImage tar = TarImage.read(out.resolve(image.imageName() + ".tar"));
        assertThat(manifest.path("config").path("digest").asText()).isEqualTo(tar.configDigest());
        assertThat(layers(manifest)).isEqualTo(tar.layers());

        if (image != ShippedImage.CONTROLLER) {
          // Same image, same digest: the registry has exactly what `./mvnw package` put in <module>/target.
          Path pushedTar = out.resolve(image.imageName() + ".tar");
          assertThat(pushed).as("the pushed %s against the build's tar; what differs: %s", image.imageName(),
              pushed.equals(built.get(image)) ? "nothing" : ImageDiff.describe(image.tar(), pushedTar))
              .isEqualTo(built.get(image));
        } else {
          // The controller's jar carries its default init images, system-images.properties =
          // ${image.registry}/<name>:${image.tag}, so a build for another registry is another controller image,
          // as docs/images.md says ("a controller built with those properties defaults to the pushed init
          // images"). Only the layer with that jar and the one with its CDS archive (dumped from that jar) differ
          // from the build's tar; every other layer is the same blob.
          assertThat(pushed).isNotEqualTo(built.get(image));
          TarImage main = TarImage.read(image.tar());
          List<String> own = layers(manifest).stream().filter(l -> !main.layers().contains(l)).toList();
          assertThat(own).hasSize(2);
          assertThat(layers(manifest)).hasSameSizeAs(main.layers());
          Map<String, List<String>> files = new LinkedHashMap<>();
          Properties defaults = null;
          for (String layer : own) {
            Map<String, Tar.Entry> entries = Tar.read(registry.blob(repository, layer));
            files.put(layer, entries.values().stream().filter(Tar.Entry::isFile).map(Tar.Entry::name).toList());
            Tar.Entry jar = entries.get("app/classpath/kubeopencode-controller.jar");
            if (jar != null) {
              defaults = systemImages(jar.content());
            }
          }
          assertThat(files.values()).as("files of the controller's own layers")
              .anySatisfy(f -> assertThat(f).containsExactly("app/classpath/kubeopencode-controller.jar"))
              .anySatisfy(f -> assertThat(f).contains("app/app.jsa"));
          assertThat(defaults).isNotNull();
          assertThat(defaults.getProperty("git-init"))
              .isEqualTo(imageRegistry + "/" + ShippedImage.GIT_INIT.imageName() + ":" + tag);
          assertThat(defaults.getProperty("context-init"))
              .isEqualTo(imageRegistry + "/" + ShippedImage.CONTEXT_INIT.imageName() + ":" + tag);
        }
      }
      System.out.printf("[images] restored after the push: %s%n", restore.restore());
    }
  }

  private static Path digestFile(Path dir, ShippedImage image) {
    return dir.resolve(image.imageName() + ".digest");
  }

  private static List<String> layers(JsonNode manifest) {
    List<String> digests = new ArrayList<>();
    manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
    return digests;
  }

  private static Properties systemImages(byte[] jar) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        if (entry.getName().equals("io/kubeopencode/controller/system-images.properties")) {
          Properties properties = new Properties();
          properties.load(zip);
          return properties;
        }
      }
    }
    throw new AssertionError("no system-images.properties in the pushed controller jar");
  }

  /** A docker-archive as Jib writes it: config.json and the layers, each named by its blob digest. */
  private record TarImage(String configDigest, List<String> layers) {
    static TarImage read(Path tar) throws IOException {
      Map<String, Tar.Entry> entries = Tar.read(tar);
      JsonNode manifest = JSON.readTree(entries.get("manifest.json").content()).get(0);
      List<String> layers = new ArrayList<>();
      for (JsonNode layer : manifest.get("Layers")) {
        byte[] blob = entries.get(layer.asText()).content();
        String digest = sha256(blob);
        assertThat(layer.asText()).as("layer file named by its digest").isEqualTo(digest.substring(7) + ".tar.gz");
        layers.add(digest);
      }
      return new TarImage(sha256(entries.get(manifest.get("Config").asText()).content()), layers);
    }
  }

  /**
   * The push builds the four modules again with another {@code image.registry}, in this checkout: its tars go to
   * {@code image.output.dir}, but the controller's filtered {@code system-images.properties} and jar are rewritten
   * in {@code controller-service/target}, where {@link ImageConfigTest} reads the jar. This keeps copies of every
   * module's {@code target/classes} and {@code target/*.jar} from before the push and puts back each file the push
   * changed (its time stamps too). {@code target/image/} (what app-image.sh staged for Jib) is left as the push
   * made it: every {@code package} stages it anew, and no test reads it.
   */
  private static final class TargetSnapshot implements AutoCloseable {
    private final Path copies;
    private final List<Path> files = new ArrayList<>();
    private boolean restored;

    private TargetSnapshot(Path copies) {
      this.copies = copies;
    }

    static TargetSnapshot of(Path copies) throws IOException {
      TargetSnapshot snapshot = new TargetSnapshot(copies);
      for (ShippedImage image : ShippedImage.values()) {
        Path target = image.module().resolve("target");
        List<Path> found = new ArrayList<>();
        try (Stream<Path> jars = Files.list(target)) {
          jars.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(found::add);
        }
        try (Stream<Path> classes = Files.walk(target.resolve("classes"))) {
          classes.filter(Files::isRegularFile).forEach(found::add);
        }
        for (Path file : found) {
          Path copy = copies.resolve(ROOT.relativize(file));
          Files.createDirectories(copy.getParent());
          Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
          snapshot.files.add(file);
        }
      }
      return snapshot;
    }

    /** Puts back what changed; returns those files, relative to the checkout. */
    List<String> restore() throws IOException {
      List<String> changed = new ArrayList<>();
      for (Path file : files) {
        Path copy = copies.resolve(ROOT.relativize(file));
        if (!Files.exists(file) || Files.mismatch(file, copy) != -1) {
          Files.copy(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
          changed.add(ROOT.relativize(file).toString());
        } else if (!Files.getLastModifiedTime(file).equals(Files.getLastModifiedTime(copy))) {
          Files.setLastModifiedTime(file, Files.getLastModifiedTime(copy));
        }
      }
      restored = true;
      return changed;
    }

    /** Restores on the way out too (a failed assertion or push). */
    @Override
    public void close() throws IOException {
      if (!restored) {
        restore();
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
