package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.OutputValues;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.controller.job.Reasons;
import io.kubeopencode.outputs.MalformedOutputsException;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.outputs.TaskOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The outputs of a run, read from the output collector's termination message, and what to say. */
record TaskResults(OutputValues values, String reason, String message) {
  static final String SUCCESS = "the agent finished successfully";

  /**
   * The values a failed or timed-out run wrote before it ended (earlier releases returned them too); null when there
   * is no readable message. What the message says about dropped values does not change the failure's reason.
   */
  static OutputValues valuesOf(Optional<String> collectorMessage) {
    if (collectorMessage.isEmpty()) {
      return null;
    }
    try {
      return new OutputValues(OutputsCodec.decode(collectorMessage.get()).parameters());
    } catch (MalformedOutputsException e) {
      return null;
    }
  }

  /** @param collectorMessage empty when the pod had no output collector (no outputs declared) */
  static TaskResults collect(Task task, Optional<String> collectorMessage) {
    if (collectorMessage.isEmpty()) {
      return new TaskResults(null, Reasons.SUCCEEDED, SUCCESS);
    }
    TaskOutputs outputs;
    try {
      outputs = OutputsCodec.decode(collectorMessage.get());
    } catch (MalformedOutputsException e) {
      return new TaskResults(null, Reasons.SUCCEEDED, SUCCESS + ", but its outputs could not be read: "
          + e.getMessage());
    }
    OutputValues values = new OutputValues(outputs.parameters());
    if (outputs.complete()) {
      return new TaskResults(values, Reasons.SUCCEEDED, SUCCESS);
    }
    List<String> dropped = new ArrayList<>(outputs.tooLarge());
    if (outputs.tooLargeUnlisted() > 0) {
      dropped.add("and " + outputs.tooLargeUnlisted() + " more");
    }
    return new TaskResults(values, Reasons.OUTPUTS_TOO_LARGE, SUCCESS + ", but outputs " + String.join(", ", dropped)
        + " did not fit the " + OutputsCodec.MAX_BYTES + "-byte termination message and were dropped");
  }
}
