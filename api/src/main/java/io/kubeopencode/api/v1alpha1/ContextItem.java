package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One piece of context given to the agent: text, a ConfigMap, a Git repository, runtime facts or a URL. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "self.type != 'Text' || has(self.text)", fieldPath = ".text", reason = "FieldValueRequired",
    message = "a Text context needs 'text'")
@ValidationRule(value = "self.type != 'ConfigMap' || has(self.configMap)", fieldPath = ".configMap",
    reason = "FieldValueRequired", message = "a ConfigMap context needs 'configMap'")
@ValidationRule(value = "self.type != 'Git' || has(self.git)", fieldPath = ".git", reason = "FieldValueRequired",
    message = "a Git context needs 'git'")
@ValidationRule(value = "self.type != 'Git' || (has(self.mountPath) && self.mountPath != '')",
    fieldPath = ".mountPath", reason = "FieldValueRequired", message = "a Git context needs 'mountPath'")
@ValidationRule(value = "self.type != 'URL' || has(self.url)", fieldPath = ".url", reason = "FieldValueRequired",
    message = "a URL context needs 'url'")
@ValidationRule(value = "!has(self.mountPath) || !self.mountPath.matches('" + Schema.PARENT_SEGMENT_REGEX + "')",
    fieldPath = ".mountPath", reason = "FieldValueInvalid", message = "must not contain '..' segments")
@ValidationRule(
    value = "[has(self.text), has(self.configMap), has(self.git), has(self.runtime), has(self.url)]"
        + ".filter(x, x).size() <= 1",
    message = "set only the payload field that matches 'type' (text, configMap, git, runtime or url)")
public record ContextItem(
    @JsonPropertyDescription("Name of the context; shown to the agent in context.md.") String name,
    @JsonPropertyDescription("What the context is for; shown to the agent in context.md.") String description,
    @JsonPropertyDescription("Kind of context: Text, ConfigMap, Git, Runtime or URL.") @Required ContextType type,
    @JsonPropertyDescription("Where the content goes. Relative: under the Agent's workspaceDir; absolute: as is;"
        + " empty: appended to ${WORKSPACE_DIR}/.kubeopencode/context.md. Must not contain '..'. Required for Git.")
        @Size(max = Schema.MAX_PATH_LENGTH) String mountPath,
    @JsonPropertyDescription("File mode of the written file, e.g. 0644 (decimal 420) or 0755 for scripts.")
        @Min(0) @Max(511) Integer fileMode,
    @JsonPropertyDescription("When true, content that cannot be found is skipped instead of failing the Task.")
        Boolean optional,
    @JsonPropertyDescription("The content of a Text context.") String text,
    @JsonPropertyDescription("The source of a ConfigMap context.") ConfigMapContext configMap,
    @JsonPropertyDescription("The repository of a Git context.") GitContext git,
    @JsonPropertyDescription("The (empty) payload of a Runtime context.") RuntimeContext runtime,
    @JsonPropertyDescription("The source of a URL context.") UrlContext url) {

  public static ContextItem text(String name, String mountPath, String text) {
    return new ContextItem(name, null, ContextType.Text, mountPath, null, null, text, null, null, null, null);
  }

  public static ContextItem configMap(String name, String mountPath, ConfigMapContext configMap) {
    return new ContextItem(name, null, ContextType.ConfigMap, mountPath, null, null, null, configMap, null, null, null);
  }

  public static ContextItem git(String name, String mountPath, GitContext git) {
    return new ContextItem(name, null, ContextType.Git, mountPath, null, null, null, null, git, null, null);
  }

  public static ContextItem runtime(String name) {
    return new ContextItem(name, null, ContextType.Runtime, null, null, null, null, null, null, new RuntimeContext(),
        null);
  }

  public static ContextItem url(String name, String mountPath, UrlContext url) {
    return new ContextItem(name, null, ContextType.URL, mountPath, null, null, null, null, null, null, url);
  }
}
