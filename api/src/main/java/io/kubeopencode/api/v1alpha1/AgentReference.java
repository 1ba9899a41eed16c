package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Names the Agent that runs a Task. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentReference(
    @JsonPropertyDescription("Name of the Agent.") @Required String name,
    @JsonPropertyDescription("Namespace of the Agent; default the Task's namespace. Another namespace is allowed only"
        + " when the Task's namespace matches one of the Agent's allowedNamespaces; the pod then runs in the Agent's"
        + " namespace.") String namespace) {

  public static AgentReference of(String name) {
    return new AgentReference(name, null);
  }
}
