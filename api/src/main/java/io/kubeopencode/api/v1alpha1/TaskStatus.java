package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("Where and how the Task runs, as observed by the controller.")
public record TaskStatus(
    @JsonPropertyDescription("The .metadata.generation this status was computed for.") Long observedGeneration,
    @JsonPropertyDescription("Pending, Queued, Running, Completed or Failed.") TaskPhase phase,
    @JsonPropertyDescription("Not set: a Task runs as a pod, never a Job (kept so earlier clients still read"
        + " statuses).") String jobName,
    @JsonPropertyDescription("Name of the agent pod, set when the Task starts Running; a pod lost to a"
        + " disruption is replaced by <name>-<n> and this follows it.") String podName,
    @JsonPropertyDescription("Namespace of the pod (the Agent's).") String podNamespace,
    @JsonPropertyDescription("When the Task started Running (RFC 3339).") String startTime,
    @JsonPropertyDescription("When the Task finished (RFC 3339).") String completionTime,
    @JsonPropertyDescription("Values of the declared outputs.") OutputValues outputs,
    @JsonPropertyDescription("Ready, Queued and Stopped conditions with a reason and message.")
        List<Condition> conditions,
    @JsonPropertyDescription("Last lines of the agent's log, captured when the run failed or was stopped.")
        @Size(max = 16384) String logTail) {

  public TaskStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
