package io.kubeopencode.controller.job;

import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import java.util.List;

/** A Task's spec after its TaskTemplate was applied: what the Job is built from. */
public record MergedTask(String description, AgentReference agentRef, List<ContextItem> contexts,
    List<OutputParameter> outputs, String timeout) {

  public MergedTask {
    contexts = List.copyOf(contexts);
    outputs = List.copyOf(outputs);
  }
}
