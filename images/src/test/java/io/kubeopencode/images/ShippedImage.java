package io.kubeopencode.images;

import io.kubeopencode.testsupport.KubeBinaries;
import java.nio.file.Path;
import java.util.List;

/**
 * The four images the project ships, as the parent POM names them (image.registry, image.tag, image.name.*; the
 * module's surefire configuration passes them as system properties).
 */
enum ShippedImage {
  CONTROLLER("controller-service", "controller", List.of()),
  CLEANUP("cleanup-service", "cleanup", List.of()),
  GIT_INIT("git-init-image", "git-init", List.of("git-init")),
  CONTEXT_INIT("context-init-image", "context-init", List.of("context-init"));

  private final String module;
  private final String key;
  private final List<String> cmd;

  ShippedImage(String module, String key, List<String> cmd) {
    this.module = module;
    this.key = key;
    this.cmd = cmd;
  }


  /** registry/name:tag, the reference the image is tagged with and the controller defaults to. */
  String reference() {
    return property("image.registry") + "/" + imageName() + ":" + property("image.tag");
  }

  String imageName() {
    return property("image.name." + key);
  }

  Path tar() {
    return module().resolve("target").resolve(imageName() + ".tar");
  }

  Path module() {
    return KubeBinaries.projectRoot().resolve(module);
  }

  /** The image's default arguments: the role of the init programs, none for the services. */
  List<String> cmd() {
    return cmd;
  }

  boolean isService() {
    return cmd.isEmpty();
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (images/pom.xml passes it)");
    }
    return value;
  }
}
