package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A Git repository cloned into the workspace by a git-init container before the agent starts. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "!has(self.path) || !self.path.matches('" + Schema.PARENT_SEGMENT_REGEX + "')",
    fieldPath = ".path", reason = "FieldValueInvalid", message = "must not contain '..' segments")
public record GitContext(
    @JsonPropertyDescription("Repository URL: https://, ssh:// or user@host:path, git:// or file://.")
        @Required String repository,
    @JsonPropertyDescription("Branch, tag or full commit SHA to check out. Default HEAD (the default branch).")
        String ref,
    @JsonPropertyDescription("Clone depth. Default 1; 0 means the full history (a negative value means 1).")
        Integer depth,
    @JsonPropertyDescription("Subdirectory or file of the repository to expose at mountPath instead of its root;"
        + " a leading '/' is ignored, '..' is not allowed.")
        @Size(max = Schema.MAX_PATH_LENGTH) String path,
    @JsonPropertyDescription("Also clone the repository's submodules.") Boolean recurseSubmodules,
    @JsonPropertyDescription("Secret with credentials: keys username and password (https), or ssh-privatekey and"
        + " optionally ssh-known-hosts (ssh).") SecretReference secretRef) {}
