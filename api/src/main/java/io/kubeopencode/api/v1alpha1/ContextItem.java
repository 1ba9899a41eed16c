package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One piece of context given to the agent: text, a ConfigMap, a Git repository, runtime facts or a URL. Rules only
 * reject what could never work (a Git context without a repository or a place, a URL context without a URL);
 * everything earlier KubeOpenCode releases accepted is accepted (a Text or ConfigMap context without its payload is
 * empty, payload fields of other types are ignored).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "self.type != 'Git' || has(self.git)", fieldPath = ".git", reason = "FieldValueRequired",
    message = "a Git context needs 'git'")
@ValidationRule(value = "self.type != 'Git' || (has(self.mountPath) && self.mountPath != '')",
    fieldPath = ".mountPath", reason = "FieldValueRequired", message = "a Git context needs 'mountPath'")
@ValidationRule(value = "self.type != 'URL' || has(self.url)", fieldPath = ".url", reason = "FieldValueRequired",
    message = "a URL context needs 'url'")
public record ContextItem(
    @JsonPropertyDescription("Name of the context; shown to the agent in context.md (default context-<index>).")
        String name,
    @JsonPropertyDescription("What the context is for; shown to the agent in context.md (the description"
        + " attribute of its <context> element).") String description,
    @JsonPropertyDescription("Kind of context: Text, ConfigMap, Git, Runtime or URL.") @Required ContextType type,
    @JsonPropertyDescription("Where the content goes. Relative: under the Agent's workspaceDir ('.' is the"
        + " workspace itself, for a Git context); absolute: as is, also outside the workspace; empty: appended to"
        + " ${WORKSPACE_DIR}/.kubeopencode/context.md. '..' segments are resolved. Required for Git.")
        @Size(max = Schema.MAX_PATH_LENGTH) String mountPath,
    @JsonPropertyDescription("Mode of the written file, e.g. 0644 (decimal 420) or 0755 for scripts; default 0644."
        + " The agent may run as another user than the one writing the file, so group and others get the owner's"
        + " permissions inside the workspace. Bits above 0777 are ignored.")
        @Min(0) @Max(4095) Integer fileMode,
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
