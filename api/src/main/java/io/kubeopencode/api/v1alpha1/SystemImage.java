package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Image of the system containers (git-init, context-init, output-collector) in a namespace's pods. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SystemImage(
    @JsonPropertyDescription("Image reference. Default: this release's images.") String image,
    @JsonPropertyDescription("Always, IfNotPresent (default) or Never.") PullPolicy imagePullPolicy) {}
