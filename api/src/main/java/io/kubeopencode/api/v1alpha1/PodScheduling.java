package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Where agent pods may be scheduled. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodScheduling(
    @JsonPropertyDescription("Node labels the pod's node must have (pod.spec.nodeSelector).")
        Map<String, String> nodeSelector,
    @JsonPropertyDescription("Tolerations of the pod (pod.spec.tolerations).") List<Toleration> tolerations,
    @JsonPropertyDescription("Affinity of the pod (pod.spec.affinity).") Affinity affinity) {

  public PodScheduling {
    nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
  }
}
