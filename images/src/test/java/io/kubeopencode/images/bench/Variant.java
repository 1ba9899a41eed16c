package io.kubeopencode.images.bench;

/**
 * How a JVM image is started: its JDK_JAVA_OPTIONS, whether with its memory limit, and whether the JVM is told
 * the limit ({@code -XX:MaxRAM}: what it would read from the cgroup file system in a pod).
 */
record Variant(String label, String javaOptions, boolean limited, boolean maxRam) {
  /** The JDK_JAVA_OPTIONS for this image, null for none. */
  String javaOptionsFor(Image image) {
    String ram = maxRam ? "-XX:MaxRAM=" + image.memoryLimit() : null;
    if (ram == null) {
      return javaOptions;
    }
    return javaOptions == null ? ram : javaOptions + " " + ram;
  }
}
