package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.Quota;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.controller.job.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whether a waiting Task may start now. Tasks are admitted oldest first: a Task starts only if it is among the
 * first N of the Agent's waiting list, N being both the free slots ({@code maxConcurrentTasks}) and the starts left
 * in the quota window, so a younger Task never overtakes an older one. Pure.
 *
 * @param retryAt when a Task waiting for the quota can next start (its place in the queue considered)
 */
public record Admission(boolean admitted, String reason, String message, Instant retryAt) {
  static final Admission ADMIT = new Admission(true, null, null, null);

  static Admission decide(String taskKey, String agentName, AgentSpec agent, AgentWorkload workload, Instant now) {
    int position = workload.waiting().indexOf(taskKey);
    if (position < 0) {
      position = workload.waiting().size();
    }
    Integer max = agent.maxConcurrentTasks();
    if (max != null && max > 0 && position >= max - workload.running()) {
      // The message stays the same while the Task waits: a changing one (a queue position) would cost a status
      // write every time the queue moves.
      return new Admission(false, Reasons.AGENT_AT_CAPACITY, "Agent " + agentName + " is at capacity (at most "
          + max + " running Tasks); waiting for a free slot, oldest first", null);
    }
    Quota quota = agent.quota();
    if (quota != null) {
      List<TaskStartRecord> window = QuotaLedger.inWindow(workload.starts(), quota, now);
      int left = quota.maxTaskStarts() - window.size();
      if (position >= left) {
        // This Task can start once (position - left + 1) starts have left the window.
        Instant next = Instant.parse(window.get(Math.min(position - left, window.size() - 1)).startTime())
            .plus(Duration.ofSeconds(quota.windowSeconds()));
        return new Admission(false, Reasons.QUOTA_EXCEEDED, "Agent " + agentName + " reached its quota of "
            + quota.maxTaskStarts() + " starts per " + quota.windowSeconds() + " s; next start at " + next, next);
      }
    }
    return ADMIT;
  }
}
