package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.WS;
import static io.kubeopencode.controller.Fixtures.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.ContextType;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.SecretReference;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.kubeopencode.controller.job.ContextPlan.AgentMount;
import io.kubeopencode.controller.job.ContextPlan.GitClone;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.UrlFetch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContextPlannerTest {
  private final Map<String, ConfigMap> configMaps = Map.of(
      "settings", configMap("settings", Map.of("app.yaml", "a: 1", "db.yaml", "url: x")),
      "empty", configMap("empty", null));

  private ContextPlan plan(List<ContextItem> agentContexts, List<ContextItem> taskContexts, String config) {
    MergedTask task = new MergedTask("Fix the bug.", AgentReference.of("a"), taskContexts, List.of(), null);
    return ContextPlanner.plan(task, WS, agentContexts, config, "RUNTIME FACTS",
        name -> Optional.ofNullable(configMaps.get(name)));
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
  void contextsWithoutMountPathAreAppendedToContextMdAndThePromptPointsAtIt() {
    ContextPlan plan = plan(ContextItem.text("rules", null, "No force pushes."), ContextItem.runtime(null));

    assertThat(plan.configMapData().get("context.md")).isEqualTo("""
        <context name="rules" type="Text">
        No force pushes.
        </context>

        <context name="context-1" type="Runtime">
        RUNTIME FACTS
        </context>

        """);
    assertThat(plan.configMapData().get("task.md"))
        .isEqualTo("Fix the bug.\n\nAdditional context for this task is in " + WS + "/.kubeopencode/context.md.\n");
    assertThat(plan.fileMappings()).contains(new FileMapping("context.md", WS + "/.kubeopencode/context.md", 0644));
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
    assertThat(plan.agentMounts()).containsExactly(new AgentMount("file-1", "/etc/agent/rules.md"));
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
    assertThat(plan.configMapData().get("context.md"))
        .contains("<context name=\"inline/app.yaml\" type=\"ConfigMap\">\na: 1\n</context>")
        .contains("<context name=\"inline/db.yaml\" type=\"ConfigMap\">\nurl: x\n</context>");
  }

  @Test
  void configMapDirectoryOutsideTheWorkspaceIsMountedIntoTheAgent() {
    ContextPlan plan = plan(ContextItem.configMap("dir", "/etc/app", new ConfigMapContext("settings", null, null)));

    assertThat(plan.agentMounts()).containsExactly(new AgentMount("dirs/0", "/etc/app"));
    assertThat(plan.dirMappings()).isEmpty();
  }

  @Test
  void missingConfigMapOrKeyFailsUnlessOptional() {
    assertThatThrownBy(() -> plan(ContextItem.configMap("c", "a", new ConfigMapContext("nope", "k", null))))
        .isInstanceOf(TaskFailure.class)
        .hasMessage("context 'c': ConfigMap 'nope' not found")
        .satisfies(e -> assertThat(((TaskFailure) e).reason()).isEqualTo("ContextError"));
    assertThatThrownBy(() -> plan(ContextItem.configMap("c", "a", new ConfigMapContext("settings", "k", null))))
        .hasMessage("context 'c': key 'k' not found in ConfigMap 'settings'");

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
        new GitClone(0, "https://example.test/r.git", null, 1, null, false, null, WS + "/src"),
        new GitClone(1, "git@example.test:org/docs.git", "v1", 0, "site", true, "ssh", WS + "/docs"));
  }

  @Test
  void gitAndUrlContextsMustBeInsideTheWorkspace() {
    assertThatThrownBy(() -> plan(ContextItem.git("src", "/opt/src",
        new GitContext("https://example.test/r.git", null, null, null, null, null))))
        .hasMessage("context 'src': /opt/src is outside the workspace /workspace; Git and URL contexts must be placed"
            + " inside it");
  }

  @Test
  void urlContextsAreFetchedByContextInitWithCredentialsFromTheirSecret() {
    ContextPlan plan = plan(
        ContextItem.url("spec", "api/spec.json", new UrlContext("https://example.test/spec.json",
            Map.of("Accept", "application/json"), new SecretReference("token"), true, "2m")),
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
  void pathsMayNotEscapeWithDotDot() {
    assertThatThrownBy(() -> plan(ContextItem.text("a", "x/../../etc/passwd", "1")))
        .hasMessage("context 'a': mountPath 'x/../../etc/passwd' must not contain '..'");
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
        .hasMessage("context #0 (ConfigMap): ConfigMap 'nope' not found");
  }
}
