package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("Settings for this namespace.")
public record KubeOpenCodeConfigSpec(
    @JsonPropertyDescription("Image and pull policy of git-init, context-init and the output collector.")
        SystemImage systemImage,
    @JsonPropertyDescription("Retention of finished Tasks.") CleanupPolicy cleanup) {}
