package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import java.util.List;

/**
 * What an Agent is busy with, as the admission of one of its Tasks needs it.
 *
 * @param running Tasks holding a slot: Running in the cache, or admitted moments ago and not yet there
 * @param waiting keys of the Agent's Tasks waiting to start, oldest first (creation time, then name)
 * @param starts the start ledger, including starts recorded moments ago that the cache does not show yet
 */
public record AgentWorkload(int running, List<String> waiting, List<TaskStartRecord> starts) {
  public AgentWorkload {
    waiting = List.copyOf(waiting);
    starts = List.copyOf(starts);
  }

  public AgentWorkload(int running, List<String> waiting) {
    this(running, waiting, List.of());
  }

  public static final AgentWorkload IDLE = new AgentWorkload(0, List.of(), List.of());
}
