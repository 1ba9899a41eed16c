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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed objects never reach the controller: the API server rejects them with a message naming the field and
 * the rule. Objects are sent raw so that values the Java model cannot represent are tested too.
 */
@Tag("apiserver")
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
        Arguments.of("unknown pull policy", """
            kind: KubeOpenCodeConfig
            metadata: {name: default}
            spec:
              systemImage: {image: x, imagePullPolicy: Sometimes}
            """, new String[] {"spec.systemImage.imagePullPolicy: Unsupported value: \"Sometimes\""}),
        Arguments.of("URL timeout of zero seconds", task("""
            spec:
              contexts:
              - type: URL
                mountPath: a.json
                url: {source: "https://example.test/a", timeout: 0}
            """), new String[] {"spec.contexts[0].url.timeout", "should be greater than or equal to 1"}),
        Arguments.of("URL timeout that is not a duration", task("""
            spec:
              contexts:
              - type: URL
                mountPath: a.json
                url: {source: "https://example.test/a", timeout: soon}
            """), new String[] {"spec.contexts[0].url.timeout", "should match"}),
        Arguments.of("Git path escaping the repository", task("""
            spec:
              contexts:
              - type: Git
                mountPath: src
                git: {repository: "https://example.test/r.git", path: "../x"}
            """), new String[] {"spec.contexts[0].git.path", "must not contain '..' segments"}),
        Arguments.of("output path escaping with ..", task("""
            spec:
              outputs:
                parameters:
                - {name: x, path: ../secret}
            """), new String[] {"spec.outputs.parameters[0].path", "must not contain '..' segments"}),
        Arguments.of("CA bundle from both a ConfigMap and a Secret", agent(AGENT_SPEC + """
              podSpec:
                caBundle: {configMapRef: {name: a}, secretRef: {name: b}}
            """), new String[] {"spec.podSpec.caBundle", "set exactly one of configMapRef or secretRef"}));
  }

  /**
   * Manifests earlier KubeOpenCode releases (upstream commit 1fa16b3f) accepted and ran, in the shapes users wrote
   * them (its quick start, its documentation and its CRD's looser rules): they are accepted unchanged.
   */
  static Stream<Arguments> upstreamManifests() {
    return Stream.of(
        Arguments.of("Task without agentRef (runs with the Agent named default)", task("""
            spec:
              description: Update dependencies to latest versions
              contexts:
              - type: Text
                text: Use semantic versioning.
            """)),
        Arguments.of("URL timeout in seconds, as an integer", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - type: URL
                mountPath: api.json
                url: {source: "https://example.test/api.json", timeout: 30}
            """)),
        Arguments.of("URL timeout as a duration", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - type: URL
                mountPath: api.json
                url: {source: "https://example.test/api.json", timeout: 1m30s}
            """)),
        Arguments.of("Text context without text (empty)", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, mountPath: a.md}
            """)),
        Arguments.of("ConfigMap context without configMap (empty)", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: ConfigMap}
            """)),
        Arguments.of("a leftover payload of another type", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Runtime, text: leftover}
            """)),
        Arguments.of("mountPath with .. (resolved)", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, text: x, mountPath: "../shared/notes.md"}
            """)),
        Arguments.of("Git at the workspace root, absolute path and depth -1", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - type: Git
                mountPath: "."
                git: {repository: "https://example.test/r.git", path: /docs, depth: -1}
            """)),
        Arguments.of("fileMode with bits above 0777", task("""
            spec:
              agentRef: {name: a}
              contexts:
              - {type: Text, text: x, mountPath: run.sh, fileMode: 1517}
            """)),
        Arguments.of("absolute output path and a duplicate name", task("""
            spec:
              agentRef: {name: a}
              outputs:
                parameters:
                - {name: pr-url, path: /workspace/.outputs/pr-url}
                - {name: pr-url, path: .outputs/pr}
            """)),
        Arguments.of("negative maxConcurrentTasks (unlimited)", agent(AGENT_SPEC + """
              maxConcurrentTasks: -1
            """)),
        Arguments.of("KubeOpenCodeConfig not named default (ignored)", """
            kind: KubeOpenCodeConfig
            metadata: {name: cluster-settings}
            spec:
              systemImage: {imagePullPolicy: Always}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreamManifests")
  void acceptsWhatEarlierReleasesAccepted(String description, String yaml) {
    GenericKubernetesResource object = parse(yaml, "accepted-" + Math.abs(description.hashCode()));

    GenericKubernetesResource created = client.genericKubernetesResources(context(object.getKind())).inNamespace(ns)
        .resource(object).create();

    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void rejectsWithAMessageNamingTheFieldAndRule(String description, String yaml, String[] expected) {
    GenericKubernetesResource object = parse(yaml, "invalid");

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

  private static GenericKubernetesResource parse(String yaml, String defaultName) {
    GenericKubernetesResource object = client.getKubernetesSerialization()
        .unmarshal("apiVersion: kubeopencode.io/v1alpha1\n" + yaml, GenericKubernetesResource.class);
    if (object.getMetadata() == null) {
      object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    object.getMetadata().setNamespace(ns);
    if (object.getMetadata().getName() == null) {
      object.getMetadata().setName(defaultName);
    }
    return object;
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
