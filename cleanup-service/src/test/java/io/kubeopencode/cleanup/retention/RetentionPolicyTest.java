package io.kubeopencode.cleanup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubeopencode.api.v1alpha1.CleanupPolicy;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfigSpec;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final RetentionPolicy CLUSTER_DEFAULT = new RetentionPolicy(Duration.ofDays(7), 1000);

  @Test
  void fromTheConfigsCleanupSection() {
    assertThat(RetentionPolicy.of(null)).isEqualTo(RetentionPolicy.NONE);
    assertThat(RetentionPolicy.of(new CleanupPolicy(60L, 5)))
        .isEqualTo(new RetentionPolicy(Duration.ofSeconds(60), 5));
    assertThat(RetentionPolicy.of(new CleanupPolicy(null, 0))).isEqualTo(new RetentionPolicy(null, 0));
    assertThat(RetentionPolicy.of(new CleanupPolicy(0L, null))).isEqualTo(new RetentionPolicy(Duration.ZERO, null));
    assertThat(RetentionPolicy.of(new CleanupPolicy(null, null)).deletesAnything()).isFalse();
  }

  @Test
  void aNegativeValueTurnsItsRuleOffRatherThanDeletingEverything() {
    assertThat(RetentionPolicy.of(new CleanupPolicy(-1L, -3))).isEqualTo(RetentionPolicy.NONE);
    assertThatThrownBy(() -> new RetentionPolicy(Duration.ofSeconds(-1), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionPolicy(null, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesItselfForTheLog() {
    assertThat(new RetentionPolicy(Duration.ofSeconds(60), 10).describe())
        .isEqualTo("ttlSecondsAfterFinished=60 maxRetainedTasks=10");
    assertThat(RetentionPolicy.NONE.describe()).isEqualTo("keep all");
  }

  @Test
  void withoutAConfigTheClusterDefaultApplies() {
    EffectivePolicy effective = EffectivePolicy.resolve(Optional.empty(), CLUSTER_DEFAULT);
    assertThat(effective).isEqualTo(new EffectivePolicy(CLUSTER_DEFAULT, false));
    assertThat(effective.describe()).endsWith("(cluster default)");
  }

  @Test
  void aConfigWithoutCleanupLeavesTheClusterDefault() {
    assertThat(EffectivePolicy.resolve(Optional.of(config("default", null)), CLUSTER_DEFAULT))
        .isEqualTo(new EffectivePolicy(CLUSTER_DEFAULT, false));
    KubeOpenCodeConfig noSpec = config("default", null);
    noSpec.setSpec(null);
    assertThat(EffectivePolicy.resolve(Optional.of(noSpec), CLUSTER_DEFAULT).fromNamespaceConfig()).isFalse();
  }

  @Test
  void aConfigsCleanupReplacesTheDefaultEntirely() {
    EffectivePolicy effective = EffectivePolicy.resolve(
        Optional.of(config("default", new CleanupPolicy(null, 3))), CLUSTER_DEFAULT);
    assertThat(effective).isEqualTo(new EffectivePolicy(new RetentionPolicy(null, 3), true));
    assertThat(effective.describe()).isEqualTo("maxRetainedTasks=3 (KubeOpenCodeConfig default)");
    assertThat(EffectivePolicy.resolve(Optional.of(config("default", new CleanupPolicy(null, null))),
        CLUSTER_DEFAULT).policy()).isEqualTo(RetentionPolicy.NONE);
  }

  @Test
  void onlyTheConfigNamedDefaultCounts() {
    assertThat(EffectivePolicy.resolve(Optional.of(config("other", new CleanupPolicy(1L, 1))), CLUSTER_DEFAULT))
        .isEqualTo(new EffectivePolicy(CLUSTER_DEFAULT, false));
  }

  private static KubeOpenCodeConfig config(String name, CleanupPolicy cleanup) {
    KubeOpenCodeConfig config = new KubeOpenCodeConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).build());
    config.setSpec(new KubeOpenCodeConfigSpec(null, cleanup));
    return config;
  }
}
