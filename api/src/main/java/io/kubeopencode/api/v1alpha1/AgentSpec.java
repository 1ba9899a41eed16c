package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonClassDescription("How the Tasks of this Agent run.")
public record AgentSpec(
    @JsonPropertyDescription("Image whose opencode-init container copies the agent CLI into the shared /tools"
        + " volume. Default quay.io/kubeopencode/kubeopencode-agent-opencode:latest.") String agentImage,
    @JsonPropertyDescription("Image of the main agent container (the tools the agent uses). Default"
        + " quay.io/kubeopencode/kubeopencode-agent-devbox:latest.") String executorImage,
    @JsonPropertyDescription("Absolute path of the workspace (an emptyDir), exported as WORKSPACE_DIR and used as"
        + " the working directory.") @Required @Pattern("^/.*") @Size(max = Schema.MAX_PATH_LENGTH)
        String workspaceDir,
    @JsonPropertyDescription("Command of the agent container. Default: sh -c '/tools/opencode run"
        + " \"$(cat ${WORKSPACE_DIR}/task.md)\"'.") List<String> command,
    @JsonPropertyDescription("Contexts for every Task of this Agent, applied first.")
        @Size(max = Schema.MAX_CONTEXTS) List<ContextItem> contexts,
    @JsonPropertyDescription("Agent configuration as a JSON string, written to /tools/opencode.json (env"
        + " OPENCODE_CONFIG). Invalid JSON fails the Task with reason ContextError.") String config,
    @JsonPropertyDescription("Secrets given to the agent container as env vars or files.")
        List<Credential> credentials,
    @JsonPropertyDescription("Labels, annotations, scheduling, runtime class, resources, security contexts, image"
        + " pull secrets and policy, extra env and volumes, CA bundle and proxy of the agent pod.")
        AgentPodSpec podSpec,
    @JsonPropertyDescription("Service account of the agent pod.") @Required @Size(min = 1) String serviceAccountName,
    @JsonPropertyDescription("Glob patterns (e.g. team-*) of namespaces whose Tasks may use this Agent; empty means"
        + " all namespaces.") List<String> allowedNamespaces,
    @JsonPropertyDescription("At most this many Running Tasks; the rest wait Queued and are admitted oldest first."
        + " 0, negative or unset: unlimited.") Integer maxConcurrentTasks,
    @JsonPropertyDescription("Limit on Task starts in a sliding time window.") Quota quota) {

  public AgentSpec {
    command = command == null ? List.of() : List.copyOf(command);
    contexts = contexts == null ? List.of() : List.copyOf(contexts);
    credentials = credentials == null ? List.of() : List.copyOf(credentials);
    allowedNamespaces = allowedNamespaces == null ? List.of() : List.copyOf(allowedNamespaces);
  }
}
