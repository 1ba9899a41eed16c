package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("Observed state of the Agent: its quota ledger and how many Tasks run and wait.")
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
