package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.WS;
import static io.kubeopencode.controller.Fixtures.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.ContextType;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.SecretReference;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.kubeopencode.controller.job.ContextPlan.AgentMount;
import io.kubeopencode.controller.job.ContextPlan.GitClone;
import io.kubeopencode.controller.job.ContextPlan.GitPlacement;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.UrlFetch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContextPlannerTest {
  /** ConfigMaps by namespace/name: the Task lives in "team", the Agent in "agents". */
  private final Map<String, ConfigMap> configMaps = Map.of(
      "team/settings", configMap("settings", Map.of("app.yaml", "a: 1", "db.yaml", "url: x")),
      "team/empty", configMap("empty", null),
      "agents/instructions", configMap("instructions", Map.of("review.md", "Review it.", "common.md", "Be kind.")));

  private ContextPlan plan(List<ContextItem> agentContexts, List<ContextItem> taskContexts, String config) {
    return plan(agentContexts, taskContexts, config, List.of());
  }

  private ContextPlan plan(List<ContextItem> agentContexts, List<ContextItem> taskContexts, String config,
      List<OutputParameter> outputs) {
    MergedTask task = new MergedTask("Fix the bug.", AgentReference.of("a"), taskContexts, outputs, null);
    return ContextPlanner.plan(new ContextPlanner.Sources(WS, "agents", agentContexts, config, "team", task,
        "RUNTIME FACTS"), (ns, name) -> Optional.ofNullable(configMaps.get(ns + "/" + name)));
  }

  private ContextPlan plan(ContextItem... taskContexts) {
    return plan(List.of(), List.of(taskContexts), null);
  }

  @Test
  void taskDescriptionAlwaysBecomesTaskMd() {
    ContextPlan plan = plan();

    assertThat(plan.configMapData()).containsExactly(Map.entry("task.md", "Fix the bug."));
    assertThat(plan.fileMappings()).containsExactly(new FileMapping("task.md", WS + "/task.md", 0644));
    assertThat(plan.gitClones()).isEmpty();
    assertThat(plan.hasAgentConfig()).isFalse();
  }

  @Test
  void textWithRelativeMountPathIsWrittenUnderTheWorkspaceWithItsMode() {
    ContextItem script = new ContextItem("run", null, ContextType.Text, "bin/run.sh", 0755, null, "echo", null,
        null, null, null);

    ContextPlan plan = plan(ContextItem.text("guide", "docs/guide.md", "Be brief."), script);

    assertThat(plan.configMapData()).containsEntry("file-0", "Be brief.").containsEntry("file-1", "echo");
    assertThat(plan.fileMappings()).containsExactly(new FileMapping("task.md", WS + "/task.md", 0644),
        new FileMapping("file-0", WS + "/docs/guide.md", 0644), new FileMapping("file-1", WS + "/bin/run.sh", 0755));
  }

  @Test
  void contextsWithoutMountPathGoToContextMdAndTaskMdHoldsTheDescriptionOnly() {
    ContextItem described = new ContextItem("rules", "House rules", ContextType.Text, null, null, null,
        "No force pushes.", null, null, null, null);

    ContextPlan plan = plan(described, ContextItem.runtime(null));

    assertThat(plan.configMapData().get("context.md")).isEqualTo("""
        <context name="rules" namespace="team" type="Text" description="House rules">
        No force pushes.
        </context>

        <context name="context-1" namespace="team" type="Runtime">
        RUNTIME FACTS
        </context>
        """);
    assertThat(plan.configMapData().get("task.md")).isEqualTo("Fix the bug.");
    assertThat(plan.hasContextFile()).isTrue();
    assertThat(plan.fileMappings()).contains(new FileMapping("context.md", WS + "/.kubeopencode/context.md", 0644));
  }

  @Test
  void withoutInlineContextsThereIsNoContextFile() {
    ContextPlan plan = plan(ContextItem.text("guide", "guide.md", "x"));

    assertThat(plan.hasContextFile()).isFalse();
    assertThat(plan.configMapData()).doesNotContainKey("context.md");
  }

  @Test
  void agentContextsComeFirst() {
    ContextPlan plan = plan(List.of(ContextItem.text("agent", null, "A")), List.of(ContextItem.text("task", null,
        "T")), null);

    assertThat(plan.configMapData().get("context.md")).matches("(?s).*name=\"agent\".*name=\"task\".*");
  }

  @Test
  void absolutePathInsideTheWorkspaceIsAFileOutsideIsMountedIntoTheAgent() {
    ContextPlan plan = plan(ContextItem.text("in", WS + "/notes.md", "in"),
        ContextItem.text("out", "/etc/agent/rules.md", "out"));

    assertThat(plan.fileMappings()).contains(new FileMapping("file-0", WS + "/notes.md", 0644));
    assertThat(plan.agentMounts()).containsExactly(new AgentMount("file-1", "/etc/agent/rules.md", 0644));
  }

  @Test
  void aFileOutsideTheWorkspaceKeepsItsMode() {
    ContextItem script = new ContextItem("run", null, ContextType.Text, "/opt/bin/run.sh", 0755, null, "echo",
        null, null, null, null);
    ContextItem oddMode = new ContextItem("odd", null, ContextType.Text, "/opt/bin/odd.sh", 01755, null, "echo",
        null, null, null, null);

    ContextPlan plan = plan(script, oddMode);

    assertThat(plan.agentMounts()).containsExactly(new AgentMount("file-0", "/opt/bin/run.sh", 0755),
        new AgentMount("file-1", "/opt/bin/odd.sh", 0755));
  }

  @Test
  void configMapKeyAllKeysAsDirectoryAndInlined() {
    ContextPlan plan = plan(
        ContextItem.configMap("one", "app.yaml", new ConfigMapContext("settings", "app.yaml", null)),
        ContextItem.configMap("dir", "config", new ConfigMapContext("settings", null, null)),
        ContextItem.configMap("inline", null, new ConfigMapContext("settings", null, null)));

    assertThat(plan.configMapData()).containsEntry("file-0", "a: 1")
        .containsEntry("dir-1.app.yaml", "a: 1").containsEntry("dir-1.db.yaml", "url: x");
    assertThat(plan.configMapPaths()).containsEntry("dir-1.app.yaml", "dirs/1/app.yaml")
        .containsEntry("file-0", "file-0");
    assertThat(plan.dirMappings()).containsExactly(new DirMapping("/kubeopencode/context/dirs/1", WS + "/config"));
    assertThat(plan.configMapData().get("context.md")).isEqualTo("""
        <context name="inline" namespace="team" type="ConfigMap">
        <file name="app.yaml">
        a: 1
        </file>
        <file name="db.yaml">
        url: x
        </file>
        </context>
        """);
  }

  @Test
  void theAgentsConfigMapsAreReadInTheAgentsNamespaceTheTasksInTheTasks() {
    ContextPlan plan = plan(List.of(ContextItem.configMap("rules", null, new ConfigMapContext("instructions", null,
        null))), List.of(ContextItem.configMap("app", "app.yaml", new ConfigMapContext("settings", "app.yaml", null))),
        null);

    assertThat(plan.configMapData().get("context.md")).startsWith("""
        <context name="rules" namespace="agents" type="ConfigMap">
        <file name="common.md">
        Be kind.
        </file>
        <file name="review.md">
        Review it.
        </file>
        </context>""");
    assertThat(plan.configMapData()).containsEntry("file-1", "a: 1");
    assertThatThrownBy(() -> plan(List.of(ContextItem.configMap("x", "x", new ConfigMapContext("settings", "app.yaml",
        null))), List.of(), null))
        .hasMessage("context 'x': ConfigMap agents/settings not found");
  }

  @Test
  void aContextWithoutItsPayloadIsEmptyAsInEarlierReleases() {
    ContextPlan plan = plan(new ContextItem("t", null, ContextType.Text, "t.md", null, null, null, null, null, null,
        null), new ContextItem("c", null, ContextType.ConfigMap, null, null, null, null, null, null, null, null));

    assertThat(plan.configMapData()).containsEntry("file-0", "");
    assertThat(plan.configMapData().get("context.md")).contains("<context name=\"c\" namespace=\"team\""
        + " type=\"ConfigMap\">\n</context>");
  }

  @Test
  void configMapDirectoryOutsideTheWorkspaceIsMountedIntoTheAgent() {
    ContextPlan plan = plan(ContextItem.configMap("dir", "/etc/app", new ConfigMapContext("settings", null, null)));

    assertThat(plan.agentMounts()).containsExactly(new AgentMount("dirs/0", "/etc/app", null));
    assertThat(plan.dirMappings()).isEmpty();
  }

  @Test
  void missingConfigMapOrKeyFailsUnlessOptional() {
    assertThatThrownBy(() -> plan(ContextItem.configMap("c", "a", new ConfigMapContext("nope", "k", null))))
        .isInstanceOf(TaskFailure.class)
        .hasMessage("context 'c': ConfigMap team/nope not found")
        .satisfies(e -> assertThat(((TaskFailure) e).reason()).isEqualTo("ContextError"));
    assertThatThrownBy(() -> plan(ContextItem.configMap("c", "a", new ConfigMapContext("settings", "k", null))))
        .hasMessage("context 'c': key 'k' not found in ConfigMap team/settings");

    ContextPlan plan = plan(ContextItem.configMap("c", "a", new ConfigMapContext("nope", "k", true)),
        new ContextItem("d", null, ContextType.ConfigMap, "b", null, true, null,
            new ConfigMapContext("settings", "k", null), null, null, null));
    assertThat(plan.configMapData()).containsEntry("file-0", "").containsEntry("file-1", "");
  }

  @Test
  void gitContextsBecomeClonesWithDefaults() {
    ContextPlan plan = plan(
        ContextItem.git("src", "src", new GitContext("https://example.test/r.git", null, null, null, null, null)),
        ContextItem.git("docs", WS + "/docs", new GitContext("git@example.test:org/docs.git", "v1", 0, "site",
            true, new SecretReference("ssh"))));

    assertThat(plan.gitClones()).containsExactly(
        new GitClone(0, "https://example.test/r.git", null, 1, null, false, null, WS + "/src",
            GitPlacement.IN_WORKSPACE),
        new GitClone(1, "git@example.test:org/docs.git", "v1", 0, "site", true, "ssh", WS + "/docs",
            GitPlacement.IN_WORKSPACE));
  }

  @Test
  void gitContextsMayBeTheWorkspaceItselfOrOutsideIt() {
    ContextPlan plan = plan(
        ContextItem.git("root", ".", new GitContext("https://example.test/r.git", null, -1, "/docs/", null, null)),
        ContextItem.git("opt", "/opt/src", new GitContext("https://example.test/o.git", null, null, null, null,
            null)));

    assertThat(plan.gitClones()).containsExactly(
        new GitClone(0, "https://example.test/r.git", null, 1, "docs", false, null, WS, GitPlacement.WORKSPACE_ROOT),
        new GitClone(1, "https://example.test/o.git", null, 1, null, false, null, "/opt/src",
            GitPlacement.OWN_VOLUME));
  }

  @Test
  void urlContextsMustBeInsideTheWorkspace() {
    assertThatThrownBy(() -> plan(ContextItem.url("spec", "/opt/spec.json",
        new UrlContext("https://example.test/spec.json", null, null, null, null))))
        .hasMessage("context 'spec': /opt/spec.json is outside the workspace /workspace; URL contexts must be placed"
            + " inside it");
  }

  @Test
  void urlTimeoutsAreSecondsOrDurations() {
    assertThat(ContextPlanner.timeoutSeconds(null)).isEqualTo(30);
    assertThat(ContextPlanner.timeoutSeconds(new IntOrString(45))).isEqualTo(45);
    assertThat(ContextPlanner.timeoutSeconds(new IntOrString("1m30s"))).isEqualTo(90);
    assertThat(ContextPlanner.timeoutSeconds(new IntOrString("200ms"))).isEqualTo(1);
  }

  @Test
  void outputPathsAreRelativeToTheWorkspaceAndTheLastOfOneNameWins() {
    ContextPlan plan = plan(List.of(), List.of(), null, List.of(
        new OutputParameter("pr-url", WS + "/.outputs/pr-url", null),
        new OutputParameter("summary", ".outputs/summary", "none"),
        new OutputParameter("pr-url", ".outputs/pr", null)));

    assertThat(plan.outputs()).containsExactly(new OutputParameter("summary", ".outputs/summary", "none"),
        new OutputParameter("pr-url", ".outputs/pr", null));
    assertThatThrownBy(() -> plan(List.of(), List.of(), null, List.of(new OutputParameter("x", "/outputs/x", null))))
        .isInstanceOf(TaskFailure.class)
        .hasMessage("output 'x': /outputs/x is outside the workspace /workspace, the only directory the output"
            + " collector can read");
  }

  @Test
  void urlContextsAreFetchedByContextInitWithCredentialsFromTheirSecret() {
    ContextPlan plan = plan(
        ContextItem.url("spec", "api/spec.json", new UrlContext("https://example.test/spec.json",
            Map.of("Accept", "application/json"), new SecretReference("token"), true, new IntOrString("2m"))),
        ContextItem.url("notes", null, new UrlContext("https://example.test/notes", null, null, null, null)));

    assertThat(plan.urlFetches()).extracting(ContextPlan.UrlSource::fetch).containsExactly(
        new UrlFetch("https://example.test/spec.json", WS + "/api/spec.json", Map.of("Accept", "application/json"),
            120, true, false, "URL_0"),
        new UrlFetch("https://example.test/notes", WS + "/.kubeopencode/url/1", Map.of(), 30, false, false, null));
    assertThat(plan.urlFetches().getFirst().secretName()).isEqualTo("token");
    assertThat(plan.configMapData().get("context.md")).contains("Downloaded from https://example.test/notes to "
        + WS + "/.kubeopencode/url/1");
  }

  @Test
  void twoContextsResolvingToTheSamePathAreAnError() {
    assertThatThrownBy(() -> plan(ContextItem.text("a", "notes.md", "1"), ContextItem.text("b", WS + "/notes.md",
        "2")))
        .hasMessage("context 'a' and context 'b' both resolve to " + WS + "/notes.md");
    assertThatThrownBy(() -> plan(ContextItem.text("a", "task.md", "1")))
        .hasMessage("context 'a' and task.md both resolve to " + WS + "/task.md");
  }

  @Test
  void dotDotIsResolvedAsEarlierReleasesUsedThePathAsGiven() {
    ContextPlan plan = plan(ContextItem.text("a", "x/../notes.md", "1"), ContextItem.text("b", "../shared/b.md", "2"),
        ContextItem.text("c", "/../../etc/c.md", "3"));

    assertThat(plan.fileMappings()).contains(new FileMapping("file-0", WS + "/notes.md", 0644));
    assertThat(plan.agentMounts()).containsExactly(new AgentMount("file-1", "/shared/b.md", 0644),
        new AgentMount("file-2", "/etc/c.md", 0644));
  }

  @Test
  void aFileCannotBeTheWorkspaceItself() {
    assertThatThrownBy(() -> plan(ContextItem.text("a", ".", "1")))
        .hasMessage("context 'a': mountPath '.' is the directory " + WS + ", not a file in it");
  }

  @Test
  void contextsOver900KiBFailWithTheSize() {
    assertThatThrownBy(() -> plan(ContextItem.text("big", "big.txt", "x".repeat(950 * 1024))))
        .isInstanceOf(TaskFailure.class)
        .hasMessageStartingWith("contexts total 951 KiB, over the 900 KiB a ConfigMap can hold");
  }

  @Test
  void agentConfigMustBeJson() {
    assertThat(plan(List.of(), List.of(), "{\"model\":\"m\"}").configMapData())
        .containsEntry("opencode.json", "{\"model\":\"m\"}");
    assertThatThrownBy(() -> plan(List.of(), List.of(), "{model: m"))
        .hasMessageStartingWith("the Agent's spec.config is not valid JSON:");
  }

  @Test
  void unnamedContextsAreNamedByPositionInErrors() {
    assertThatThrownBy(() -> plan(ContextItem.configMap(null, "x", new ConfigMapContext("nope", null, null))))
        .hasMessage("context #0 (ConfigMap): ConfigMap team/nope not found");
  }
}
