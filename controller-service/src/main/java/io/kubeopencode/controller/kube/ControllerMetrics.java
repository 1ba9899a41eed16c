package io.kubeopencode.controller.kube;

import java.time.Duration;

/** What the reconcile loop reports; the wiring layer backs it with the service's metrics registry. */
public interface ControllerMetrics {
  /** {@code result}: success, requeue or error. */
  void reconciled(String result, Duration duration);

  void jobCreated();

  ControllerMetrics NONE = new ControllerMetrics() {
    @Override
    public void reconciled(String result, Duration duration) {}

    @Override
    public void jobCreated() {}
  };
}
