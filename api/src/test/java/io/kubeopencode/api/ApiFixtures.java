package io.kubeopencode.api;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.CaBundle;
import io.kubeopencode.api.v1alpha1.CaBundleReference;
import io.kubeopencode.api.v1alpha1.CleanupPolicy;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Credential;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfigSpec;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.PodScheduling;
import io.kubeopencode.api.v1alpha1.ProxyConfig;
import io.kubeopencode.api.v1alpha1.PullPolicy;
import io.kubeopencode.api.v1alpha1.Quota;
import io.kubeopencode.api.v1alpha1.SecretKeyReference;
import io.kubeopencode.api.v1alpha1.SecretReference;
import io.kubeopencode.api.v1alpha1.SystemImage;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import io.kubeopencode.api.v1alpha1.TaskTemplateSpec;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/** Valid objects of every kind, using every field. */
final class ApiFixtures {
  private ApiFixtures() {}

  static List<ContextItem> everyContextKind() {
    return List.of(
        ContextItem.text("guide", "docs/guide.md", "Be brief."),
        ContextItem.configMap("settings", null, new ConfigMapContext("settings", "app.yaml", true)),
        ContextItem.git("source", "src", new GitContext("https://example.test/org/repo.git", "v1.2.0", 0, "sub/dir",
            true, new SecretReference("git-creds"))),
        ContextItem.runtime("runtime"),
        ContextItem.url("spec", "spec.json", new UrlContext("https://example.test/spec.json",
            Map.of("Accept", "application/json"), new SecretReference("url-token"), false, new IntOrString("30s"))));
  }

  static Task task(String ns, String name) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    task.setSpec(new TaskSpec("Fix the flaky test.", everyContextKind(), new AgentReference("default", ns),
        new TaskTemplateReference("base", ns),
        new Outputs(List.of(new OutputParameter("pr-url", ".outputs/pr-url", null),
            new OutputParameter("summary", ".outputs/summary", "none"))),
        "30m"));
    return task;
  }

  static TaskTemplate template(String ns, String name) {
    TaskTemplate template = new TaskTemplate();
    template.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    template.setSpec(new TaskTemplateSpec("Review the PR.", AgentReference.of("default"),
        List.of(ContextItem.text("rules", null, "Follow the style guide.")),
        new Outputs(List.of(new OutputParameter("verdict", ".outputs/verdict", "none")))));
    return template;
  }

  static Agent agent(String ns, String name) {
    Agent agent = new Agent();
    agent.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    agent.setSpec(new AgentSpec("example.test/agent-opencode:1", "example.test/devbox:1", "/workspace",
        List.of("sh", "-c", "echo hi"), List.of(ContextItem.runtime("runtime")), "{\"model\":\"m\"}",
        List.of(new Credential("all-keys", new SecretKeyReference("api-keys", null), null, null, null),
            new Credential("dir", new SecretKeyReference("certs", null), "/etc/certs", null, null),
            new Credential("token", new SecretKeyReference("gh", "token"), null, "GITHUB_TOKEN", null),
            new Credential("key", new SecretKeyReference("ssh", "id"), "/home/agent/.ssh/id", null, 0400)),
        new AgentPodSpec(Map.of("team", "a"), Map.of("note", "x"),
            new PodScheduling(Map.of("pool", "agents"),
                List.of(new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("agents")
                    .withEffect("NoSchedule").build()),
                new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("In")
                    .withValues("a").endMatchExpression().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()),
            "gvisor",
            new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("500m"))
                .addToLimits("memory", new Quantity("2Gi")).build(),
            new PodSecurityContextBuilder().withRunAsUser(1000L).withRunAsGroup(1000L).withFsGroup(1000L).build(),
            new SecurityContextBuilder().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).build(),
            List.of(new LocalObjectReference("registry")), PullPolicy.Always,
            List.of(new EnvVarBuilder().withName("LOG_LEVEL").withValue("debug").build(),
                new EnvVarBuilder().withName("API_KEY").withNewValueFrom().withNewSecretKeyRef("key", "api", false)
                    .endValueFrom().build()),
            List.of(new VolumeBuilder().withName("skills").withNewPersistentVolumeClaim("skills", true).build()),
            List.of(new VolumeMountBuilder().withName("skills").withMountPath("/skills").withReadOnly(true).build()),
            new CaBundle(new CaBundleReference("corp-ca", "ca-bundle.crt"), null),
            new ProxyConfig("http://proxy.example.test:3128", "http://proxy.example.test:3128", "localhost,.corp")),
        "agent-sa", List.of("team-*", "dogfooding"), 2, new Quota(5, 3600)));
    return agent;
  }

  static KubeOpenCodeConfig config(String ns) {
    KubeOpenCodeConfig config = new KubeOpenCodeConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("default").build());
    config.setSpec(new KubeOpenCodeConfigSpec(new SystemImage("example.test/system:1", PullPolicy.Always),
        new CleanupPolicy(3600L, 50)));
    return config;
  }

  static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime("2026-11-21T10:00:00Z").withObservedGeneration(1L).build();
  }
}
