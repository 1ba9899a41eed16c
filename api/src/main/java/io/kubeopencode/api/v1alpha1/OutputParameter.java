package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A file the agent writes whose content becomes {@code status.outputs.parameters[name]}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "!self.path.matches('" + Schema.PARENT_SEGMENT_REGEX + "')", fieldPath = ".path",
    reason = "FieldValueInvalid", message = "must not contain '..' segments")
public record OutputParameter(
    @JsonPropertyDescription("Name of the output; the key in status.outputs.parameters.") @Required
        @Size(min = 1, max = 253) String name,
    @JsonPropertyDescription("File relative to the workspace, e.g. .outputs/pr-url, or an absolute path inside"
        + " the workspace. Must not contain '..'.")
        @Required @Size(min = 1, max = Schema.MAX_PATH_LENGTH) String path,
    @JsonProperty("default")
        @JsonPropertyDescription("Value used when the file does not exist; without it a missing file gives no entry.")
        String defaultValue) {}
