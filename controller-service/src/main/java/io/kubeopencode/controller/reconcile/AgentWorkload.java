package io.kubeopencode.controller.reconcile;

import java.util.List;

/**
 * What an Agent is busy with, as the admission of one of its Tasks needs it.
 *
 * @param running Tasks holding a slot: Running in the cache, or admitted moments ago and not yet there
 * @param waiting keys of the Agent's Tasks waiting to start, oldest first (creation time, then name)
 */
public record AgentWorkload(int running, List<String> waiting) {
  public AgentWorkload {
    waiting = List.copyOf(waiting);
  }

  public static final AgentWorkload IDLE = new AgentWorkload(0, List.of());
}
