package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the JVM of each image chose under the memory limit: without /sys/fs/cgroup in the container it sees no
 * limit. {@code -Xshare:on} also proves that the CDS archive maps (the JVM refuses to start otherwise).
 */
final class JvmChoices {
  /** The images' entrypoint: ctr's arguments replace the entrypoint and the command. */
  private static final List<String> ENTRYPOINT = List.of("/opt/java/bin/java", "@/app/java.args");

  private JvmChoices() {}

  static void print(Containerd containerd, Map<Image, String> refs) {
    System.out.println();
    System.out.println("== what each JVM sees under its memory limit (--version with -Xshare:on -Xlog:gc+init "
        + "-Xlog:os+container=trace; then with -XX:MaxRAM=limit) ==");
    for (Image image : Image.JVM_IMAGES) {
      for (String maxRam : List.of("", " -XX:MaxRAM=" + image.memoryLimit())) {
        printOne(containerd, refs.get(image), image, maxRam);
      }
    }
    System.out.println();
  }

  private static void printOne(Containerd containerd, String ref, Image image, String maxRam) {
    List<String> command = new ArrayList<>(ENTRYPOINT);
    command.add("--version");
    CommandResult result = containerd.run(RunSpec.of(ref, command.toArray(String[]::new))
        .withEnv("JDK_JAVA_OPTIONS", "-Xshare:on -Xlog:gc+init -Xlog:os+container=trace" + maxRam)
        .withMemoryLimit(image.memoryLimit()).withReadOnlyRootFs().withName("bench-info")
        .withTimeout(Scenario.TIME_LIMIT));
    Set<String> seen = new LinkedHashSet<>();
    for (String line : (result.stdout() + "\n" + result.stderr()).lines().toList()) {
      String text = line.replaceFirst("^\\[[^]]*]\\[[^]]*]\\[[^]]*] *", "").strip();
      if (line.contains("[os,container") || text.startsWith("CPUs:") || text.startsWith("Memory:")
          || text.startsWith("Heap Initial") || text.startsWith("Heap Max")) {
        seen.add(text);
      }
    }
    System.out.printf("%s, limit %d MiB%s: exit %d; %s%n", image.label, image.memoryLimit() >> 20, maxRam,
        result.exitCode(), String.join("; ", seen));
    if (result.exitCode() != 0) {
      System.out.println("    stderr: " + result.stderr().strip());
    }
  }
}
