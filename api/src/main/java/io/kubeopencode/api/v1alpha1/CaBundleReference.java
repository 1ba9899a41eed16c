package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a ConfigMap or Secret holding PEM certificates. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CaBundleReference(
    @JsonPropertyDescription("Name of the ConfigMap or Secret.") @Required @Size(min = 1) String name,
    @JsonPropertyDescription("Key holding the PEM certificates.") String key) {}
