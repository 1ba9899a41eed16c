package io.kubeopencode.controller.kube;

import java.time.Duration;

/** What the reconcile loop reports; the wiring layer backs it with the service's metrics registry. */
public interface ControllerMetrics {
  /** {@code result}: success, requeue or error. */
  void reconciled(String result, Duration duration);

  void podCreated();

  /** A Task of a limited Agent ({@code namespace/name}) started after waiting {@code waited} since creation. */
  void admitted(String agentKey, Duration waited);

  /** A Task had to wait because its Agent's start quota was used up. */
  void quotaRejected(String agentKey);

  /** A Task's Event was posted, failed, or dropped because the queue was full ({@link TaskEventRecorder}). */
  default void eventRecorded(String result) {}

  ControllerMetrics NONE = new ControllerMetrics() {
    @Override
    public void reconciled(String result, Duration duration) {}

    @Override
    public void podCreated() {}

    @Override
    public void admitted(String agentKey, Duration waited) {}

    @Override
    public void quotaRejected(String agentKey) {}
  };
}
