package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;

/** Sets a standard condition; the transition time only moves when the status does. */
final class Conditions {
  static final String READY = "Ready";
  static final String QUEUED = "Queued";
  static final String STOPPED = "Stopped";

  private Conditions() {}

  static List<Condition> set(List<Condition> current, String type, boolean status, String reason, String message,
      Long generation, String now) {
    String value = status ? "True" : "False";
    List<Condition> result = new ArrayList<>();
    boolean found = false;
    for (Condition c : current) {
      if (c.getType().equals(type)) {
        found = true;
        String since = value.equals(c.getStatus()) ? c.getLastTransitionTime() : now;
        result.add(condition(type, value, reason, message, generation, since));
      } else {
        result.add(c);
      }
    }
    if (!found) {
      result.add(condition(type, value, reason, message, generation, now));
    }
    return result;
  }

  private static Condition condition(String type, String status, String reason, String message, Long generation,
      String since) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }
}
