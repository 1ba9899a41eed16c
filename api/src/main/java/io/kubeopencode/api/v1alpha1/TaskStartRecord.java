package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One entry of an Agent's quota ledger. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskStartRecord(
    @JsonPropertyDescription("Name of the started Task.") String taskName,
    @JsonPropertyDescription("Namespace of the started Task.") String taskNamespace,
    @JsonPropertyDescription("When it started (RFC 3339).") String startTime) {}
