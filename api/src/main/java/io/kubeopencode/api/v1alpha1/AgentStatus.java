package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Observed state of an Agent: its quota ledger and how many Tasks run and wait. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentStatus(
    @JsonPropertyDescription("The .metadata.generation this status was computed for.") Long observedGeneration,
    @JsonPropertyDescription("Task starts within the quota window, oldest first.")
        List<TaskStartRecord> taskStartHistory,
    @JsonPropertyDescription("Number of Running Tasks.") Integer runningTasks,
    @JsonPropertyDescription("Number of Queued Tasks.") Integer queuedTasks,
    @JsonPropertyDescription("Standard conditions.") List<Condition> conditions) {

  public AgentStatus {
    taskStartHistory = taskStartHistory == null ? List.of() : List.copyOf(taskStartHistory);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
