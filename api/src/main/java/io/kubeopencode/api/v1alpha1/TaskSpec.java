package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("What to do: the prompt, its contexts, the Agent (or template) and the outputs to return.")
public record TaskSpec(
    @JsonPropertyDescription("The prompt. Written to ${WORKSPACE_DIR}/task.md in the agent pod.") String description,
    @JsonPropertyDescription("Contexts for this Task; they come after the Agent's (and the template's).")
        @Size(max = Schema.MAX_CONTEXTS) List<ContextItem> contexts,
    @JsonPropertyDescription("The Agent that runs the Task; overrides the template's. With neither agentRef nor"
        + " taskTemplateRef, the Agent named default in the Task's namespace.") AgentReference agentRef,
    @JsonPropertyDescription("A TaskTemplate supplying defaults: Task fields win, contexts are the template's then"
        + " the Task's, output parameters are merged by name (the Task's win).")
        TaskTemplateReference taskTemplateRef,
    @JsonPropertyDescription("Files whose content is returned in status.outputs.parameters.") Outputs outputs,
    @JsonPropertyDescription("Maximum run time as a duration (30m, 2h), counted from Running. On expiry the run is"
        + " stopped and the Task fails with reason Timeout.")
        @Pattern(Schema.DURATION_PATTERN) String timeout) {

  public TaskSpec {
    contexts = contexts == null ? List.of() : List.copyOf(contexts);
  }
}
