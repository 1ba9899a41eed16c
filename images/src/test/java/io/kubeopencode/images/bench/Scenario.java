package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.Containerd.RunSpec;
import java.time.Duration;

/** An image in one of its variants; the baseline has no variant (null). */
record Scenario(Image image, Variant variant) {
  /** How long one container may take, to ready or to its exit. */
  static final Duration TIME_LIMIT = Duration.ofMinutes(2);

  String label() {
    return variant == null ? image.label : image.label + ", " + variant.label();
  }

  /** The container every run of this scenario starts: read-only root, the variant's JVM options and limit. */
  RunSpec runSpec(String imageRef) {
    RunSpec spec = RunSpec.of(imageRef).withReadOnlyRootFs().withTimeout(TIME_LIMIT)
        .withName("bench-" + image.name().toLowerCase().replace('_', '-'));
    if (variant != null && variant.javaOptionsFor(image) != null) {
      spec = spec.withEnv("JDK_JAVA_OPTIONS", variant.javaOptionsFor(image));
    }
    if (variant != null && variant.limited()) {
      spec = spec.withMemoryLimit(image.memoryLimit());
    }
    return spec;
  }
}
