package io.kubeopencode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubeopencode.testsupport.KubeCluster;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed objects never reach the controller: the API server rejects them with a message naming the field and
 * the rule. Objects are sent raw so that values the Java model cannot represent are tested too.
 */
class ApiServerValidationTest {
  private static KubeCluster cluster;
  private static KubernetesClient client;
  private static String ns;

  private static final String AGENT_SPEC = """
      spec:
        workspaceDir: /workspace
        serviceAccountName: agent
      """;

  @BeforeAll
  static void installCrds() {
    cluster = KubeCluster.shared();
    client = cluster.client();
    cluster.installCrds(CrdDriftTest.GENERATED);
    ns = cluster.createNamespace("validation");
  }

  static Stream<Arguments> invalidObjects() {
    return Stream.of(
        Arguments.of("neither agentRef nor taskTemplateRef", task("""
            spec:
              description: do something
            """), new String[] {"spec: Required value",
            "at least one of spec.agentRef or spec.taskTemplateRef must be set"}),
        Arguments.of("Task without spec", "kind: Task\nmetadata: {name: no-spec}\n",
            new String[] {"Required value: spec is required"}),
        Arguments.of("relative workspaceDir", agent("""
            spec:
              workspaceDir: workspace
              serviceAccountName: agent
            """), new String[] {"spec.workspaceDir", "should match '^/.*'"}),
        Arguments.of("Agent without serviceAccountName", agent("""
            spec:
              workspaceDir: /workspace
            """), new String[] {"spec.serviceAccountName: Required value"}),
        Arguments.of("Git context without mountPath", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - type: Git
                git: {repository: "https://example.test/r.git"}
            """), new String[] {"spec.contexts[0].mountPath: Required value", "a Git context needs 'mountPath'"}),
        Arguments.of("Git context without git", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - type: Git
                mountPath: src
            """), new String[] {"spec.contexts[0].git: Required value", "a Git context needs 'git'"}),
        Arguments.of("Text context without text", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, mountPath: a.md}
            """), new String[] {"spec.contexts[0].text: Required value", "a Text context needs 'text'"}),
        Arguments.of("ConfigMap context without configMap", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: ConfigMap}
            """), new String[] {"spec.contexts[0].configMap: Required value"}),
        Arguments.of("URL context without url", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: URL, mountPath: a.json}
            """), new String[] {"spec.contexts[0].url: Required value", "a URL context needs 'url'"}),
        Arguments.of("unknown context type", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Blob, text: x}
            """), new String[] {"spec.contexts[0].type: Unsupported value: \"Blob\""}),
        Arguments.of("payload of another type", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, text: x, git: {repository: "https://example.test/r.git"}}
            """), new String[] {"spec.contexts[0]", "set only the payload field that matches 'type'"}),
        Arguments.of("mountPath escaping with ..", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, text: x, mountPath: "notes/../../etc/passwd"}
            """), new String[] {"spec.contexts[0].mountPath: Invalid value", "must not contain '..' segments"}),
        Arguments.of("absolute output path", task("""
            spec:
              agentRef: {name: a}
              outputs:
                parameters:
                - {name: x, path: /etc/passwd}
            """), new String[] {"spec.outputs.parameters[0].path: Invalid value",
            "must be a path relative to the workspace"}),
        Arguments.of("duplicate output names", task("""
            spec:
              agentRef: {name: a}
              outputs:
                parameters:
                - {name: x, path: a}
                - {name: x, path: b}
            """), new String[] {"spec.outputs.parameters[1]: Duplicate value"}),
        Arguments.of("malformed timeout", task("""
            spec:
              agentRef: {name: a}
              timeout: soon
            """), new String[] {"spec.timeout", "should match"}),
        Arguments.of("quota windowSeconds 30", agent(AGENT_SPEC + """
              quota: {maxTaskStarts: 1, windowSeconds: 30}
            """), new String[] {"spec.quota.windowSeconds: Invalid value: 30",
            "should be greater than or equal to 60"}),
        Arguments.of("quota windowSeconds above a day", agent(AGENT_SPEC + """
              quota: {maxTaskStarts: 1, windowSeconds: 86401}
            """), new String[] {"spec.quota.windowSeconds", "should be less than or equal to 86400"}),
        Arguments.of("quota maxTaskStarts 0", agent(AGENT_SPEC + """
              quota: {maxTaskStarts: 0, windowSeconds: 60}
            """), new String[] {"spec.quota.maxTaskStarts", "should be greater than or equal to 1"}),
        Arguments.of("negative maxConcurrentTasks", agent(AGENT_SPEC + """
              maxConcurrentTasks: -1
            """), new String[] {"spec.maxConcurrentTasks", "should be greater than or equal to 0"}),
        Arguments.of("unknown pull policy", """
            kind: KubeOpenCodeConfig
            metadata: {name: default}
            spec:
              systemImage: {image: x, imagePullPolicy: Sometimes}
            """, new String[] {"spec.systemImage.imagePullPolicy: Unsupported value: \"Sometimes\""}),
        Arguments.of("KubeOpenCodeConfig not named default", """
            kind: KubeOpenCodeConfig
            metadata: {name: mine}
            spec: {}
            """, new String[] {"metadata.name must be 'default'"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void rejectsWithAMessageNamingTheFieldAndRule(String description, String yaml, String[] expected) {
    GenericKubernetesResource object = client.getKubernetesSerialization()
        .unmarshal("apiVersion: kubeopencode.io/v1alpha1\n" + yaml, GenericKubernetesResource.class);
    if (object.getMetadata() == null) {
      object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    object.getMetadata().setNamespace(ns);
    if (object.getMetadata().getName() == null) {
      object.getMetadata().setName("invalid");
    }

    assertThatThrownBy(() -> client.genericKubernetesResources(context(object.getKind())).inNamespace(ns)
        .resource(object).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .satisfies(e -> assertThat(e.getMessage()).contains(expected));
  }

  @Test
  void rejectsAnUnknownPhaseThroughTheStatusSubresource() {
    GenericKubernetesResource task = client.genericKubernetesResources(context("Task")).inNamespace(ns)
        .resource(client.getKubernetesSerialization().unmarshal("apiVersion: kubeopencode.io/v1alpha1\n"
            + task("metadata: {name: phase}\nspec:\n  agentRef: {name: a}\n"), GenericKubernetesResource.class))
        .create();
    task.setAdditionalProperty("status", Map.of("phase", "Paused"));

    assertThatThrownBy(() -> client.genericKubernetesResources(context("Task")).inNamespace(ns).resource(task)
        .updateStatus())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("status.phase: Unsupported value: \"Paused\"")
        .hasMessageContaining("\"Pending\", \"Queued\", \"Running\"");
  }

  @Test
  void rejectsTwoConditionsOfTheSameType() {
    GenericKubernetesResource task = client.genericKubernetesResources(context("Task")).inNamespace(ns)
        .resource(client.getKubernetesSerialization().unmarshal("apiVersion: kubeopencode.io/v1alpha1\n"
            + task("metadata: {name: conditions}\nspec:\n  agentRef: {name: a}\n"), GenericKubernetesResource.class))
        .create();
    Map<String, Object> ready = Map.of("type", "Ready", "status", "True", "reason", "R", "message", "m",
        "lastTransitionTime", "2026-11-21T10:00:00Z");
    task.setAdditionalProperty("status", Map.of("conditions", java.util.List.of(ready, ready)));

    assertThatThrownBy(() -> client.genericKubernetesResources(context("Task")).inNamespace(ns).resource(task)
        .updateStatus())
        .hasMessageContaining("status.conditions[1]: Duplicate value");
  }

  private static String task(String body) {
    return "kind: Task\n" + body;
  }

  private static String agent(String body) {
    return "kind: Agent\n" + body;
  }

  private static ResourceDefinitionContext context(String kind) {
    String plural = kind.toLowerCase() + "s";
    return new ResourceDefinitionContext.Builder().withGroup("kubeopencode.io").withVersion("v1alpha1")
        .withKind(kind).withPlural(plural).withNamespaced(true).build();
  }
}
