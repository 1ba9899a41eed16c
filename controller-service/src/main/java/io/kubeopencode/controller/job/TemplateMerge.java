package io.kubeopencode.controller.job;

import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskTemplateSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a TaskTemplate to a Task (API contract): Task fields win, contexts are the template's then the Task's,
 * output parameters are merged by name with the Task's winning.
 */
public final class TemplateMerge {
  private TemplateMerge() {}

  public static MergedTask merge(TaskSpec task, Optional<TaskTemplateSpec> template) {
    if (template.isEmpty()) {
      return new MergedTask(task.description(), task.agentRef(), task.contexts(), parameters(task.outputs()),
          task.timeout());
    }
    TaskTemplateSpec t = template.get();
    List<ContextItem> contexts = new ArrayList<>(t.contexts());
    contexts.addAll(task.contexts());
    Map<String, OutputParameter> outputs = new LinkedHashMap<>();
    parameters(t.outputs()).forEach(p -> outputs.put(p.name(), p));
    parameters(task.outputs()).forEach(p -> outputs.put(p.name(), p));
    return new MergedTask(
        task.description() != null ? task.description() : t.description(),
        task.agentRef() != null ? task.agentRef() : t.agentRef(),
        contexts, List.copyOf(outputs.values()), task.timeout());
  }

  private static List<OutputParameter> parameters(Outputs outputs) {
    return outputs == null ? List.of() : outputs.parameters();
  }
}
