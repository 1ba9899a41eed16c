package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Retention of finished Tasks, applied by the cleanup-service. Both rules together delete what either selects. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CleanupPolicy(
    @JsonPropertyDescription("Delete a finished (Completed or Failed) Task this many seconds after its"
        + " completionTime.") @Min(0) Long ttlSecondsAfterFinished,
    @JsonPropertyDescription("Keep at most this many finished Tasks in the namespace; the oldest by completionTime"
        + " (then name) are deleted first.") @Min(0) Integer maxRetainedTasks) {}
