package io.kubeopencode.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kubeopencode.cleanup.kube.CleanupOptions;
import io.kubeopencode.cleanup.retention.RetentionPolicy;
import io.kubeopencode.service.ServiceConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleanupSettingsTest {
  @Test
  void defaultsComeFromApplicationYaml() {
    Config config = Config.just(ConfigSources.classpath("application.yaml"));

    CleanupSettings settings = CleanupSettings.from(config);

    assertThat(settings.namespaces()).isEmpty();
    assertThat(settings.options()).isEqualTo(new CleanupOptions(RetentionPolicy.NONE, false, Duration.ofMinutes(5),
        20, 10, 4));
    assertThat(ServiceConfig.leaderElection(config, "x").leaseName()).isEqualTo(Main.LEASE_NAME);
    assertThat(config.get("server.port").asInt().get()).isEqualTo(8080);
    assertThat(ServiceConfig.shutdownTimeout(config)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void theCodeDefaultsMatchTheYaml() {
    assertThat(CleanupSettings.from(Config.empty()))
        .isEqualTo(CleanupSettings.from(Config.just(ConfigSources.classpath("application.yaml"))));
  }

  @Test
  void everyKeyIsRead() {
    CleanupSettings settings = CleanupSettings.from(config(Map.of(
        "cleanup.namespaces", " team-a, team-b ,",
        "cleanup.dry-run", "true",
        "cleanup.default.ttl-seconds-after-finished", "86400",
        "cleanup.default.max-retained-tasks", "500",
        "cleanup.sweep-interval", "PT30S",
        "cleanup.delete-rate", "2.5",
        "cleanup.delete-burst", "5",
        "cleanup.delete-workers", "3")));

    assertThat(settings.namespaces()).containsExactly("team-a", "team-b");
    assertThat(settings.options()).isEqualTo(new CleanupOptions(new RetentionPolicy(Duration.ofDays(1), 500), true,
        Duration.ofSeconds(30), 2.5, 5, 3));
  }

  @Test
  void namespacesAsAYamlList() {
    Config yaml = Config.just(ConfigSources.create("cleanup:\n  namespaces: [a, b]\n",
        MediaTypes.create("application/x-yaml")));
    assertThat(CleanupSettings.from(yaml).namespaces()).containsExactly("a", "b");
  }

  @Test
  void aZeroDefaultIsARuleNotAnAbsence() {
    CleanupSettings settings = CleanupSettings.from(config(Map.of(
        "cleanup.default.ttl-seconds-after-finished", "0")));
    assertThat(settings.options().clusterDefault()).isEqualTo(new RetentionPolicy(Duration.ZERO, null));
  }

  @Test
  void badValuesFailAtStartNamingTheKey() {
    assertInvalid("cleanup.default.ttl-seconds-after-finished", "-1");
    assertInvalid("cleanup.default.max-retained-tasks", "-1");
    assertInvalid("cleanup.sweep-interval", "PT0S");
    assertInvalid("cleanup.delete-rate", "0");
    assertInvalid("cleanup.delete-burst", "0");
    assertInvalid("cleanup.delete-workers", "0");
  }

  private static void assertInvalid(String key, String value) {
    assertThatThrownBy(() -> CleanupSettings.from(config(Map.of(key, value))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
  }

  private static Config config(Map<String, String> values) {
    return Config.just(ConfigSources.create(values));
  }
}
