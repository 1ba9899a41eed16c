package io.kubeopencode.e2e;

/**
 * YAML of the suite's Agents and Tasks, written as users write them. {@code ${ns}} and {@code ${agentImage}} are
 * filled in by {@link E2eCluster#create}; extra spec lines are appended as given (indented two spaces).
 */
final class Manifests {
  private Manifests() {}

  /** An Agent running the scripted test agent as agentImage and executorImage, workspace /workspace. */
  static String agent(String name, String extraSpec) {
    return """
        apiVersion: kubeopencode.io/v1alpha1
        kind: Agent
        metadata:
          name: %s
          namespace: ${ns}
        spec:
          agentImage: ${agentImage}
          executorImage: ${agentImage}
          workspaceDir: /workspace
          serviceAccountName: agent
        %s""".formatted(name, indent(extraSpec));
  }

  /** A Task of the Agent whose description is the test agent's script. */
  static String task(String name, String agent, String script, String extraSpec) {
    return """
        apiVersion: kubeopencode.io/v1alpha1
        kind: Task
        metadata:
          name: %s
          namespace: ${ns}
        spec:
          agentRef:
            name: %s
          description: |
        %s
        %s""".formatted(name, agent, indent(indent(script)), indent(extraSpec));
  }

  private static String indent(String text) {
    return text.isEmpty() ? "" : text.stripTrailing().indent(2);
  }
}
