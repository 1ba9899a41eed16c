package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/** Settings copied onto every agent pod. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentPodSpec(
    @JsonPropertyDescription("Extra labels on the agent pod.") Map<String, String> labels,
    @JsonPropertyDescription("Extra annotations on the agent pod.") Map<String, String> annotations,
    @JsonPropertyDescription("Node selector, tolerations and affinity.") PodScheduling scheduling,
    @JsonPropertyDescription("RuntimeClass of the pod, e.g. gvisor or kata.") String runtimeClassName,
    @JsonPropertyDescription("Resource requests and limits of the agent container.") ResourceRequirements resources) {

  public AgentPodSpec {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
