package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("Defaults for the Tasks that reference this template.")
public record TaskTemplateSpec(
    @JsonPropertyDescription("Default prompt; a Task's description replaces it.") String description,
    @JsonPropertyDescription("Default Agent; a Task's agentRef overrides it.") AgentReference agentRef,
    @JsonPropertyDescription("Contexts placed before the Task's own.") @Size(max = Schema.MAX_CONTEXTS)
        List<ContextItem> contexts,
    @JsonPropertyDescription("Output parameters merged with the Task's by name (the Task's win).") Outputs outputs) {

  public TaskTemplateSpec {
    contexts = contexts == null ? List.of() : List.copyOf(contexts);
  }
}
