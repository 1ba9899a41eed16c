package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret, or one key of it, in the Agent's namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SecretKeyReference(
    @JsonPropertyDescription("Name of the Secret.") @Required String name,
    @JsonPropertyDescription("One key of the Secret; without it the whole Secret is used (every key as an env var,"
        + " or as a directory when mountPath is set).") String key) {}
