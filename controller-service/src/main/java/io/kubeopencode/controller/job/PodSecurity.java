package io.kubeopencode.controller.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;

/**
 * The security settings of the agent pod. KubeOpenCode's own containers are always restricted and non-root; the
 * agent's containers ({@code opencode-init}, {@code agent}) may run as root, because the images users run (upstream's
 * included) do, but still without capabilities or privilege escalation. An Agent's own settings are merged over the
 * defaults field by field, so adding {@code runAsNonRoot}/{@code runAsUser} is enough for the restricted Pod Security
 * Standard.
 */
final class PodSecurity {
  /** The user of the KubeOpenCode images (git-init, context-init): distroless's {@code nonroot}. */
  static final long SYSTEM_UID = 65532L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PodSecurity() {}

  /** context-init, git-init-N, output-collector. */
  static SecurityContext system() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(SYSTEM_UID)
        .withRunAsGroup(SYSTEM_UID)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** opencode-init and agent: the Agent's {@code securityContext} over "no capabilities, any user". */
  static SecurityContext agent(AgentPodSpec podSpec) {
    SecurityContext defaults = new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
    return overlay(defaults, podSpec != null ? podSpec.securityContext() : null, SecurityContext.class);
  }

  /** The pod's: the Agent's {@code podSecurityContext} over seccomp RuntimeDefault. */
  static PodSecurityContext pod(AgentPodSpec podSpec) {
    PodSecurityContext defaults = new PodSecurityContextBuilder()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
    return overlay(defaults, podSpec != null ? podSpec.podSecurityContext() : null, PodSecurityContext.class);
  }

  /** {@code override}'s set fields replace those of {@code defaults} (a whole field: capabilities are one field). */
  private static <T> T overlay(T defaults, T override, Class<T> type) {
    if (override == null) {
      return defaults;
    }
    ObjectNode merged = JSON.valueToTree(defaults);
    JsonNode fields = JSON.valueToTree(override);
    fields.properties().forEach(e -> {
      if (!e.getValue().isNull()) {
        merged.set(e.getKey(), e.getValue());
      }
    });
    return JSON.convertValue(merged, type);
  }
}
