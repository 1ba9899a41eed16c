package io.kubeopencode.images.bench;

import java.util.ArrayList;
import java.util.List;

/** What runs: the baseline, then every JVM image in every variant, each round; warm-up rounds first. */
record BenchPlan(int runs, int warmup, List<Scenario> scenarios) {
  /** From bench.runs, bench.warmup and bench.extra (JVM flags for one more variant). */
  static BenchPlan fromSystemProperties() {
    int runs = Integer.getInteger("bench.runs", 7);
    int warmup = Integer.getInteger("bench.warmup", 1);
    String extra = System.getProperty("bench.extra", "").strip();
    return new BenchPlan(runs, warmup, scenarios(variants(extra)));
  }

  private static List<Variant> variants(String extra) {
    List<Variant> variants = new ArrayList<>(List.of(
        new Variant("CDS", null, false, false),
        new Variant("CDS, limit", null, true, false),
        new Variant("CDS, limit, -XX:MaxRAM=limit", null, true, true),
        new Variant("-Xshare:off", "-Xshare:off", false, false)));
    if (!extra.isEmpty()) {
      variants.add(new Variant(extra, extra, false, false));
    }
    return variants;
  }

  private static List<Scenario> scenarios(List<Variant> variants) {
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario(Image.PAUSE, null));
    for (Image image : Image.JVM_IMAGES) {
      for (Variant variant : variants) {
        scenarios.add(new Scenario(image, variant));
      }
    }
    return scenarios;
  }
}
