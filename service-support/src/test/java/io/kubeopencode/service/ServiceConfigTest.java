package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
  private static Config config(Map<String, String> values) {
    return Config.just(ConfigSources.create(values));
  }

  @Test
  void leaderElectionDefaults() {
    LeaderElectionSettings settings = ServiceConfig.leaderElection(config(Map.of()), "kubeopencode-controller",
        Map.of("POD_NAME", "controller-7d9f-abcde"), () -> "unused");

    assertThat(settings).isEqualTo(new LeaderElectionSettings(true, "kubeopencode-controller", Optional.empty(),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), "controller-7d9f-abcde"));
    assertThat(ServiceConfig.shutdownTimeout(config(Map.of()))).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void leaderElectionFromKeys() {
    Config config = config(Map.of(
        "leader-election.enabled", "false",
        "leader-election.lease-name", "my-lease",
        "leader-election.lease-namespace", "kubeopencode-system",
        "leader-election.lease-duration", "PT30S",
        "leader-election.renew-deadline", "PT20S",
        "leader-election.retry-period", "PT5S",
        "leader-election.identity", "me",
        "shutdown.timeout", "PT12S"));

    assertThat(ServiceConfig.leaderElection(config, "unused", Map.of("POD_NAME", "pod"), () -> "host"))
        .isEqualTo(new LeaderElectionSettings(false, "my-lease", Optional.of("kubeopencode-system"),
            Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(5), "me"));
    assertThat(ServiceConfig.shutdownTimeout(config)).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void identityWithoutPodNameIsTheHostWithARandomSuffix() {
    SplittableRandom random = new SplittableRandom(1);
    String first = LeaderElectionSettings.defaultIdentity(Map.of(), "worker-3", random);
    String second = LeaderElectionSettings.defaultIdentity(Map.of("POD_NAME", " "), "worker-3", random);

    assertThat(first).matches("worker-3-[0-9a-f]{8}");
    assertThat(second).matches("worker-3-[0-9a-f]{8}").isNotEqualTo(first);
  }

  @Test
  void rejectsTimingsFabric8WouldReject() {
    assertThatThrownBy(() -> ServiceConfig.leaderElection(
        config(Map.of("leader-election.lease-duration", "PT10S")), "lease", Map.of("POD_NAME", "p"), () -> "h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease-duration");
    assertThatThrownBy(() -> ServiceConfig.leaderElection(
        config(Map.of("leader-election.retry-period", "PT5S")), "lease", Map.of("POD_NAME", "p"), () -> "h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry-period");
    assertThatThrownBy(() -> ServiceConfig.leaderElection(
        config(Map.of("leader-election.retry-period", "PT0S")), "lease", Map.of("POD_NAME", "p"), () -> "h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
  }

  @Test
  void environmentVariablesOverrideYamlAndSystemPropertiesOverrideBoth() {
    Map<String, String> env = Map.of(
        "LEADER_ELECTION_LEASE_NAME", "from-env",
        "CONTROLLER_RESYNC_INTERVAL", "PT5S",
        "SHUTDOWN_TIMEOUT", "PT7S",
        "APP_GREETING", "from-env",
        "POD_NAME", "controller-0");
    try (ChildJvm child = ChildJvm.start(PrintConfigMain.class, env, List.of("-Dapp.greeting=from-sysprop"))) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).isZero();
      assertThat(child.stdout()).containsExactly(
          "leader-election.lease-name=from-env",
          "leader-election.retry-period=PT1S",
          "leader-election.identity=controller-0",
          "controller.resync-interval=PT5S",
          "shutdown.timeout=PT7S",
          "app.greeting=from-sysprop");
    }
  }

  /** Prints what {@link ServiceConfig#load()} resolves in a JVM with the test's environment. */
  public static final class PrintConfigMain {
    public static void main(String[] args) {
      Config config = ServiceConfig.load();
      LeaderElectionSettings election = ServiceConfig.leaderElection(config, "default-lease");
      System.out.println("leader-election.lease-name=" + election.leaseName());
      System.out.println("leader-election.retry-period=" + election.retryPeriod());
      System.out.println("leader-election.identity=" + election.identity());
      System.out.println("controller.resync-interval="
          + config.get("controller.resync-interval").as(Duration.class).map(Duration::toString).orElse("-"));
      System.out.println("shutdown.timeout=" + ServiceConfig.shutdownTimeout(config));
      System.out.println("app.greeting=" + config.get("app.greeting").asString().orElse("-"));
    }
  }
}
