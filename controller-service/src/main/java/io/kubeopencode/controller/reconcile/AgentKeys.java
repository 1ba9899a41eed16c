package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The Agent a Task runs with ({@code namespace/name}): its own agentRef, else its template's, else the Agent named
 * {@code default} in its namespace (as earlier releases did). Pure.
 */
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
    if (ref == null) {
      if (templateRef != null && templates.apply(templateRef.namespace() != null ? templateRef.namespace()
          : namespace, templateRef.name()).isEmpty()) {
        return Optional.empty();
      }
      ref = defaultAgent();
    }
    return Optional.of((ref.namespace() != null ? ref.namespace() : namespace) + "/" + ref.name());
  }

  /** The Agent of a Task that names none (nor does its template). */
  public static AgentReference defaultAgent() {
    return new AgentReference(KubeOpenCode.DEFAULT_AGENT_NAME, null);
  }
}
