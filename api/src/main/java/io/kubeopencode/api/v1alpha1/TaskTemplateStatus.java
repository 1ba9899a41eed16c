package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("Observed state of the TaskTemplate.")
public record TaskTemplateStatus(
    @JsonPropertyDescription("The .metadata.generation this status was computed for.") Long observedGeneration,
    @JsonPropertyDescription("Standard conditions.") List<Condition> conditions) {

  public TaskTemplateStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
