package io.kubeopencode.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Credential;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import io.kubeopencode.controller.job.ImageDefaults;
import java.util.List;
import java.util.Map;

/** Small builders for the objects the pure layer works on. */
public final class Fixtures {
  public static final String NS = "team-a";
  public static final String WS = "/workspace";
  public static final ImageDefaults IMAGES = new ImageDefaults("example.test/opencode:1", "example.test/devbox:1",
      "example.test/git-init:1", "example.test/context-init:1", "IfNotPresent");

  private Fixtures() {}

  public static Task task(String name, TaskSpec spec) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).withUid("uid-" + name)
        .withGeneration(1L).withCreationTimestamp("2026-11-21T10:00:00Z").build());
    task.setSpec(spec);
    return task;
  }

  public static TaskSpec spec(String description, List<ContextItem> contexts, List<OutputParameter> outputs) {
    return new TaskSpec(description, contexts, AgentReference.of("agent"), null,
        outputs.isEmpty() ? null : new Outputs(outputs), null);
  }

  public static TaskSpec templated(String templateName) {
    return new TaskSpec(null, null, null, TaskTemplateReference.of(templateName), null, null);
  }

  public static AgentSpec agentSpec(List<ContextItem> contexts, List<Credential> credentials, String config) {
    return new AgentSpec(null, null, WS, null, contexts, config, credentials, null, "agent-sa", null, null, null);
  }

  public static Agent agent(String name, AgentSpec spec) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    agent.setSpec(spec);
    return agent;
  }

  public static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata().withData(data)
        .build();
  }
}
