package io.kubeopencode.service;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How an instance takes part in leader election (config node {@code leader-election}, see
 * {@link ServiceConfig#leaderElection}).
 *
 * @param enabled        false: the instance is leader at once and no Lease is used (a single replica)
 * @param leaseName      name of the {@code coordination.k8s.io/v1} Lease the replicas compete for
 * @param leaseNamespace namespace of the Lease; empty means the client's namespace (the pod's own namespace in a
 *                       cluster)
 * @param leaseDuration  how long a standby waits after the last renewal before taking over
 * @param renewDeadline  how long the leader keeps trying to renew before it gives up leadership
 * @param retryPeriod    pause between two attempts to acquire or renew
 * @param identity       this instance's name in the Lease's {@code holderIdentity}; unique per replica
 */
public record LeaderElectionSettings(boolean enabled, String leaseName, Optional<String> leaseNamespace,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, String identity) {
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

  public LeaderElectionSettings {
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    Objects.requireNonNull(identity, "identity");
    requirePositive(leaseDuration, "lease-duration");
    requirePositive(renewDeadline, "renew-deadline");
    requirePositive(retryPeriod, "retry-period");
    if (enabled && leaseName.isBlank()) {
      throw new IllegalArgumentException("leader-election.lease-name must not be blank");
    }
    if (identity.isBlank()) {
      throw new IllegalArgumentException("leader-election.identity must not be blank");
    }
    // The same rules fabric8's LeaderElectorBuilder enforces, checked here so a bad setting fails at start-up
    // with the key's name rather than later on the election thread.
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("leader-election.lease-duration (" + leaseDuration
          + ") must be longer than renew-deadline (" + renewDeadline + ")");
    }
    if (renewDeadline.toMillis() <= retryPeriod.toMillis() + (long) Math.ceil(retryPeriod.toMillis() * 1.2)) {
      throw new IllegalArgumentException("leader-election.renew-deadline (" + renewDeadline
          + ") must be longer than 2.2 x retry-period (" + retryPeriod + ")");
    }
  }

  /** The default identity: the pod's name when the Downward API provides it, else the host name and a suffix. */
  public static String defaultIdentity(Map<String, String> env, String hostname, RandomGenerator random) {
    String podName = env.get("POD_NAME");
    if (podName != null && !podName.isBlank()) {
      return podName;
    }
    // The suffix tells apart two processes on one host (tests, a developer's machine).
    byte[] suffix = new byte[4];
    random.nextBytes(suffix);
    return hostname + "-" + HexFormat.of().formatHex(suffix);
  }

  private static void requirePositive(Duration duration, String key) {
    Objects.requireNonNull(duration, key);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("leader-election." + key + " must be positive, was " + duration);
    }
  }
}
