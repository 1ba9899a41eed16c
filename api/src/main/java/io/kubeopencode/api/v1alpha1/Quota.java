package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** At most maxTaskStarts starts in any sliding window of windowSeconds. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Quota(
    @JsonPropertyDescription("Maximum number of Task starts within the window (at least 1).") @Required @Min(1)
        Integer maxTaskStarts,
    @JsonPropertyDescription("Length of the sliding window in seconds, 60 to 86400.") @Required @Min(60) @Max(86400)
        Integer windowSeconds) {}
