package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import java.util.Optional;
import java.util.function.BiFunction;

/** The Agent a Task runs with ({@code namespace/name}), its own agentRef winning over its template's. Pure. */
public final class AgentKeys {
  private AgentKeys() {}

  /** @param templates looks a TaskTemplate up by namespace and name */
  public static Optional<String> of(Task task, BiFunction<String, String, Optional<TaskTemplate>> templates) {
    if (task.getSpec() == null) {
      return Optional.empty();
    }
    String namespace = task.getMetadata().getNamespace();
    AgentReference ref = task.getSpec().agentRef();
    TaskTemplateReference templateRef = task.getSpec().taskTemplateRef();
    if (ref == null && templateRef != null) {
      String templateNs = templateRef.namespace() != null ? templateRef.namespace() : namespace;
      ref = templates.apply(templateNs, templateRef.name())
          .map(t -> t.getSpec() != null ? t.getSpec().agentRef() : null).orElse(null);
    }
    return Optional.ofNullable(ref)
        .map(r -> (r.namespace() != null ? r.namespace() : namespace) + "/" + r.name());
  }
}
