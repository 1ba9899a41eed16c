package io.kubeopencode.controller;

import io.helidon.config.Config;
import io.kubeopencode.controller.job.Durations;
import io.kubeopencode.controller.job.ImageDefaults;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** The controller's own configuration keys ({@code controller.*}), documented in docs/controller.md. */
public record ControllerSettings(List<String> namespaces, int workers, Duration resyncPeriod, ImageDefaults images,
    Duration containerStartGrace) {
  private static final Properties SYSTEM_IMAGES = systemImages();
  /** The git-init image this build makes (system-images.properties, filled in by Maven). */
  static final String DEFAULT_GIT_INIT_IMAGE = SYSTEM_IMAGES.getProperty("git-init");
  /** The context-init image this build makes. */
  static final String DEFAULT_CONTEXT_INIT_IMAGE = SYSTEM_IMAGES.getProperty("context-init");

  public ControllerSettings {
    namespaces = List.copyOf(namespaces);
    if (workers < 1) {
      throw new IllegalArgumentException("controller.workers must be at least 1 (was " + workers + ")");
    }
  }

  public static ControllerSettings from(Config root) {
    Config c = root.get("controller");
    Config images = c.get("images");
    return new ControllerSettings(
        list(c.get("namespaces")),
        c.get("workers").asInt().orElse(16),
        duration(c.get("resync-period"), Duration.ofMinutes(5)),
        new ImageDefaults(
            images.get("agent").asString().orElse(ImageDefaults.DEFAULT_AGENT_IMAGE),
            images.get("executor").asString().orElse(ImageDefaults.DEFAULT_EXECUTOR_IMAGE),
            images.get("git-init").asString().orElse(DEFAULT_GIT_INIT_IMAGE),
            images.get("context-init").asString().orElse(DEFAULT_CONTEXT_INIT_IMAGE),
            images.get("pull-policy").asString().orElse("IfNotPresent")),
        // image-pull-grace: the key's name before it covered every container that cannot start.
        duration(c.get("container-start-grace"), duration(c.get("image-pull-grace"),
            TaskReconciler.DEFAULT_CONTAINER_START_GRACE)));
  }

  private static Properties systemImages() {
    Properties images = new Properties();
    try (InputStream in = ControllerSettings.class.getResourceAsStream("system-images.properties")) {
      if (in == null) {
        throw new IllegalStateException("system-images.properties is missing from the controller's jar");
      }
      images.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return images;
  }

  /** A YAML list, or a comma-separated value (as an environment variable gives it). */
  private static List<String> list(Config node) {
    if (node.isList()) {
      return node.asList(String.class).orElse(List.of());
    }
    return node.asString().map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty())
        .toList()).orElse(List.of());
  }

  /** ISO-8601 ({@code PT5M}) or the Go-style durations of manifests ({@code 5m}). */
  private static Duration duration(Config node, Duration fallback) {
    return node.asString().map(s -> s.startsWith("P") || s.startsWith("p") ? Duration.parse(s)
        : Durations.parse(s)).orElse(fallback);
  }
}
