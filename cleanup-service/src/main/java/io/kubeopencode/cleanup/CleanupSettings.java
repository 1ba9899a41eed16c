package io.kubeopencode.cleanup;

import io.helidon.config.Config;
import io.kubeopencode.cleanup.kube.CleanupOptions;
import io.kubeopencode.cleanup.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The cleanup service's own configuration keys ({@code cleanup.*}), documented in docs/cleanup.md. */
public record CleanupSettings(List<String> namespaces, CleanupOptions options) {
  static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(5);
  static final double DEFAULT_DELETE_RATE = 20;
  static final int DEFAULT_DELETE_BURST = 10;
  static final int DEFAULT_DELETE_WORKERS = 4;

  public CleanupSettings {
    namespaces = List.copyOf(namespaces);
  }

  public static CleanupSettings from(Config root) {
    Config c = root.get("cleanup");
    Config defaults = c.get("default");
    Long ttl = defaults.get("ttl-seconds-after-finished").asLong().asOptional().orElse(null);
    Integer max = defaults.get("max-retained-tasks").asInt().asOptional().orElse(null);
    if (ttl != null && ttl < 0) {
      throw new IllegalArgumentException("cleanup.default.ttl-seconds-after-finished must not be negative, was "
          + ttl);
    }
    if (max != null && max < 0) {
      throw new IllegalArgumentException("cleanup.default.max-retained-tasks must not be negative, was " + max);
    }
    return new CleanupSettings(list(c.get("namespaces")), new CleanupOptions(
        new RetentionPolicy(ttl == null ? null : Duration.ofSeconds(ttl), max),
        c.get("dry-run").asBoolean().orElse(false),
        c.get("sweep-interval").as(Duration.class).orElse(DEFAULT_SWEEP_INTERVAL),
        c.get("delete-rate").asDouble().orElse(DEFAULT_DELETE_RATE),
        c.get("delete-burst").asInt().orElse(DEFAULT_DELETE_BURST),
        c.get("delete-workers").asInt().orElse(DEFAULT_DELETE_WORKERS)));
  }

  /** A YAML list, or a comma-separated value (as an environment variable gives it). */
  private static List<String> list(Config node) {
    if (node.isList()) {
      return node.asList(String.class).orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty())
          .toList();
    }
    return node.asString().map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty())
        .toList()).orElse(List.of());
  }
}
