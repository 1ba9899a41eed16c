package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.controller.job.Reasons;

/**
 * Whether a waiting Task may start now. Tasks are admitted oldest first: a Task starts only if it is among the
 * first {@code free slots} of the Agent's waiting list, so a younger Task never overtakes an older one. Pure.
 */
public record Admission(boolean admitted, String reason, String message) {
  static final Admission ADMIT = new Admission(true, null, null);

  static Admission decide(String taskKey, String agentName, AgentSpec agent, AgentWorkload workload) {
    Integer max = agent.maxConcurrentTasks();
    if (max == null || max <= 0) {
      return ADMIT;
    }
    int free = max - workload.running();
    int position = workload.waiting().indexOf(taskKey);
    if (position < 0) {
      position = workload.waiting().size();
    }
    if (position < free) {
      return ADMIT;
    }
    // The message stays the same while the Task waits: a changing one (a queue position) would cost a status
    // write every time the queue moves.
    return new Admission(false, Reasons.AGENT_AT_CAPACITY, "Agent " + agentName + " is at capacity (at most " + max
        + " running Tasks); waiting for a free slot, oldest first");
  }
}
