package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/** Settings copied onto every agent pod. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentPodSpec(
    @JsonPropertyDescription("Extra labels on the agent pod. The controller's own labels (app,"
        + " app.kubernetes.io/managed-by, kubeopencode.io/*) cannot be overridden.") Map<String, String> labels,
    @JsonPropertyDescription("Extra annotations on the agent pod.") Map<String, String> annotations,
    @JsonPropertyDescription("Node selector, tolerations and affinity.") PodScheduling scheduling,
    @JsonPropertyDescription("RuntimeClass of the pod, e.g. gvisor or kata.") String runtimeClassName,
    @JsonPropertyDescription("Resource requests and limits of the agent container.") ResourceRequirements resources,
    @JsonPropertyDescription("Pod-level security settings, merged field by field over the default (seccomp"
        + " RuntimeDefault): e.g. runAsUser, runAsGroup, fsGroup, runAsNonRoot. They apply to every container; the"
        + " KubeOpenCode containers keep their own non-root user.") PodSecurityContext podSecurityContext,
    @JsonPropertyDescription("Security settings of the agent's containers (opencode-init and agent), merged field by"
        + " field over the default: no privilege escalation, all capabilities dropped, seccomp RuntimeDefault, any"
        + " user (root images start). Set runAsNonRoot and a numeric runAsUser to run under the restricted Pod"
        + " Security Standard.") SecurityContext securityContext,
    @JsonPropertyDescription("Secrets for pulling the pod's images from private registries (type"
        + " kubernetes.io/dockerconfigjson, in the namespace the pod runs in).")
        List<LocalObjectReference> imagePullSecrets,
    @JsonPropertyDescription("Pull policy of agentImage and executorImage: Always, IfNotPresent (the default) or"
        + " Never.") PullPolicy imagePullPolicy,
    @JsonPropertyDescription("Extra environment variables of the agent container, after the controller's (a"
        + " variable of the same name replaces the controller's).") List<EnvVar> extraEnv,
    @JsonPropertyDescription("Extra volumes of the agent pod (PVCs, ConfigMaps, Secrets, NFS, ...), for"
        + " extraVolumeMounts.") List<Volume> extraVolumes,
    @JsonPropertyDescription("Extra volume mounts of the agent container; each names a volume of extraVolumes.")
        List<VolumeMount> extraVolumeMounts,
    @JsonPropertyDescription("CA certificates trusted by every container in addition to the system's: git-init,"
        + " context-init's URL downloads, and the agent (SSL_CERT_FILE, GIT_SSL_CAINFO, NODE_EXTRA_CA_CERTS).")
        CaBundle caBundle,
    @JsonPropertyDescription("HTTP(S) proxy for every container (HTTP_PROXY, HTTPS_PROXY, NO_PROXY and their"
        + " lowercase forms).") ProxyConfig proxy) {

  public AgentPodSpec {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
    extraEnv = extraEnv == null ? List.of() : List.copyOf(extraEnv);
    extraVolumes = extraVolumes == null ? List.of() : List.copyOf(extraVolumes);
    extraVolumeMounts = extraVolumeMounts == null ? List.of() : List.copyOf(extraVolumeMounts);
  }

  /** Only the fields an older pod spec had; the rest empty. */
  public static AgentPodSpec of(Map<String, String> labels, Map<String, String> annotations,
      PodScheduling scheduling, String runtimeClassName, ResourceRequirements resources) {
    return new AgentPodSpec(labels, annotations, scheduling, runtimeClassName, resources, null, null, null, null,
        null, null, null, null, null);
  }
}
