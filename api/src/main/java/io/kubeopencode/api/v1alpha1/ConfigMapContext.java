package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Content from a ConfigMap in the Task's namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigMapContext(
    @JsonPropertyDescription("Name of the ConfigMap.") @Required String name,
    @JsonPropertyDescription("One key: its value is the content. Without a key: with mountPath every key becomes a"
        + " file in that directory, without mountPath every key is inlined.") String key,
    @JsonPropertyDescription("When true a missing ConfigMap or key gives empty content instead of failing the Task.")
        Boolean optional) {}
