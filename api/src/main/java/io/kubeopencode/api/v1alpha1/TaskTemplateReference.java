package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Names the TaskTemplate that supplies a Task's defaults. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskTemplateReference(
    @JsonPropertyDescription("Name of the TaskTemplate.") @Required String name,
    @JsonPropertyDescription("Namespace of the TaskTemplate; default the Task's namespace.") String namespace) {

  public static TaskTemplateReference of(String name) {
    return new TaskTemplateReference(name, null);
  }
}
