package io.kubeopencode.e2e;

import io.kubeopencode.testsupport.KubeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images the suite runs: the four the project ships (built by their modules' package phase; the controller's
 * default system images are these references) and the two test images of the images module (the scripted agent and
 * the sandbox image). The surefire configuration passes the names as system properties, from the parent POM.
 */
final class E2eImages {
  private static final List<String> SHIPPED = List.of(
      "controller-service:controller", "cleanup-service:cleanup", "git-init-image:git-init",
      "context-init-image:context-init");

  private E2eImages() {}

  /** The scripted agent (docs/test-images.md), as agentImage and executorImage; it runs as root. */
  static String testAgent() {
    return "kubeopencode/test-agent:" + property("test.images.version");
  }

  /** Every tar to import into the node's containerd before its kubelet starts; each must exist. */
  static List<Path> tars() {
    List<Path> tars = new ArrayList<>();
    for (String moduleAndKey : SHIPPED) {
      String[] parts = moduleAndKey.split(":");
      tars.add(KubeBinaries.projectRoot().resolve(parts[0]).resolve("target")
          .resolve(property("image.name." + parts[1]) + ".tar"));
    }
    Path testImages = Path.of(property("test.images.dir"));
    tars.add(testImages.resolve("kubeopencode-pause.tar"));
    tars.add(testImages.resolve("kubeopencode-test-agent.tar"));
    List<Path> missing = tars.stream().filter(t -> !Files.isRegularFile(t)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("image tars missing (run ./mvnw package first): " + missing);
    }
    return tars;
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (e2e/pom.xml passes it)");
    }
    return value;
  }
}
