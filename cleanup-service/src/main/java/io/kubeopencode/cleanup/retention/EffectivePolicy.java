package io.kubeopencode.cleanup.retention;

import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * The retention that applies to one namespace, and where it comes from.
 *
 * @param policy what is kept
 * @param fromNamespaceConfig true: the namespace's KubeOpenCodeConfig {@code spec.cleanup}; false: the service's
 *                            cluster-wide default
 */
public record EffectivePolicy(RetentionPolicy policy, boolean fromNamespaceConfig) {
  public EffectivePolicy {
    Objects.requireNonNull(policy, "policy");
  }

  /**
   * A namespace's KubeOpenCodeConfig ({@code default}) with a {@code spec.cleanup} governs it entirely, rules it
   * leaves out being off; without one (no config, or a config without {@code cleanup}) the cluster default applies.
   */
  public static EffectivePolicy resolve(Optional<KubeOpenCodeConfig> config, RetentionPolicy clusterDefault) {
    Objects.requireNonNull(clusterDefault, "clusterDefault");
    return config
        .filter(c -> KubeOpenCode.CONFIG_NAME.equals(c.getMetadata().getName()))
        .filter(c -> c.getSpec() != null && c.getSpec().cleanup() != null)
        .map(c -> new EffectivePolicy(RetentionPolicy.of(c.getSpec().cleanup()), true))
        .orElseGet(() -> new EffectivePolicy(clusterDefault, false));
  }

  /** For log lines: the policy and its source. */
  public String describe() {
    return policy.describe() + (fromNamespaceConfig ? " (KubeOpenCodeConfig " + KubeOpenCode.CONFIG_NAME + ")"
        : " (cluster default)");
  }
}
