package io.kubeopencode.controller.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import io.kubeopencode.api.v1alpha1.TaskTemplateSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemplateMergeTest {
  private final TaskTemplateSpec template = new TaskTemplateSpec("template prompt", AgentReference.of("tpl-agent"),
      List.of(ContextItem.text("t", null, "from template")),
      new Outputs(List.of(new OutputParameter("verdict", ".out/verdict", "none"),
          new OutputParameter("summary", ".out/t-summary", null))));

  @Test
  void withoutTemplateTheTaskIsTakenAsIs() {
    TaskSpec task = new TaskSpec("p", List.of(ContextItem.text("a", null, "x")), AgentReference.of("a"), null,
        new Outputs(List.of(new OutputParameter("o", "o", null))), "30m");

    MergedTask merged = TemplateMerge.merge(task, Optional.empty());

    assertThat(merged).isEqualTo(new MergedTask("p", AgentReference.of("a"), task.contexts(),
        task.outputs().parameters(), "30m"));
  }

  @Test
  void taskFieldsWinContextsComeAfterTheTemplatesOutputsMergeByName() {
    TaskSpec task = new TaskSpec("task prompt", List.of(ContextItem.text("k", null, "from task")),
        AgentReference.of("task-agent"), TaskTemplateReference.of("tpl"),
        new Outputs(List.of(new OutputParameter("summary", ".out/summary", "n/a"),
            new OutputParameter("pr-url", ".out/pr", null))), null);

    MergedTask merged = TemplateMerge.merge(task, Optional.of(template));

    assertThat(merged.description()).isEqualTo("task prompt");
    assertThat(merged.agentRef()).isEqualTo(AgentReference.of("task-agent"));
    assertThat(merged.contexts()).extracting(ContextItem::text).containsExactly("from template", "from task");
    assertThat(merged.outputs()).containsExactly(
        new OutputParameter("verdict", ".out/verdict", "none"),
        new OutputParameter("summary", ".out/summary", "n/a"),
        new OutputParameter("pr-url", ".out/pr", null));
  }

  @Test
  void templateFillsWhatTheTaskLeavesOut() {
    TaskSpec task = new TaskSpec(null, null, null, TaskTemplateReference.of("tpl"), null, null);

    MergedTask merged = TemplateMerge.merge(task, Optional.of(template));

    assertThat(merged.description()).isEqualTo("template prompt");
    assertThat(merged.agentRef()).isEqualTo(AgentReference.of("tpl-agent"));
    assertThat(merged.outputs()).extracting(OutputParameter::name).containsExactly("verdict", "summary");
  }
}
