package io.kubeopencode.service;

import io.helidon.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one way the services load configuration, and the settings this module reads from it. Keys and their
 * environment variable forms are listed in docs/service-support.md.
 */
public final class ServiceConfig {
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  private ServiceConfig() {
  }

  /**
   * Helidon's default configuration: system properties, then environment variables, then {@code application.yaml}
   * on the classpath (first wins). An environment variable overrides a key written with dots and dashes in upper case
   * with underscores: {@code LEADER_ELECTION_LEASE_NAME} sets {@code leader-election.lease-name}. Durations are
   * ISO-8601 ({@code PT15S}).
   */
  public static Config load() {
    return Config.create();
  }

  /** Leader election settings from the {@code leader-election} node of {@code root}. */
  public static LeaderElectionSettings leaderElection(Config root, String defaultLeaseName) {
    return leaderElection(root, defaultLeaseName, System.getenv(), ServiceConfig::hostname);
  }

  static LeaderElectionSettings leaderElection(Config root, String defaultLeaseName, Map<String, String> env,
      Supplier<String> hostname) {
    Config node = root.get("leader-election");
    return new LeaderElectionSettings(
        node.get("enabled").asBoolean().orElse(true),
        node.get("lease-name").asString().orElse(defaultLeaseName),
        node.get("lease-namespace").asString().asOptional(),
        node.get("lease-duration").as(Duration.class).orElse(LeaderElectionSettings.DEFAULT_LEASE_DURATION),
        node.get("renew-deadline").as(Duration.class).orElse(LeaderElectionSettings.DEFAULT_RENEW_DEADLINE),
        node.get("retry-period").as(Duration.class).orElse(LeaderElectionSettings.DEFAULT_RETRY_PERIOD),
        node.get("identity").asString()
            .orElseGet(() -> LeaderElectionSettings.defaultIdentity(env, hostname.get(), new SecureRandom())));
  }

  /** How long graceful shutdown may take in all ({@code shutdown.timeout}); keep it below the pod's grace period. */
  public static Duration shutdownTimeout(Config root) {
    return root.get("shutdown.timeout").as(Duration.class).orElse(DEFAULT_SHUTDOWN_TIMEOUT);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "kubeopencode";
    }
  }
}
