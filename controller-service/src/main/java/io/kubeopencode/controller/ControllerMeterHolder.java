package io.kubeopencode.controller;

import io.kubeopencode.controller.kube.ControllerMetrics;
import java.time.Duration;

/** Lets the reconcile loop exist before the server (and so the registry) does; reports nothing until set. */
final class ControllerMeterHolder implements ControllerMetrics {
  private volatile ControllerMetrics delegate = ControllerMetrics.NONE;

  void set(ControllerMetrics metrics) {
    this.delegate = metrics;
  }

  @Override
  public void reconciled(String result, Duration duration) {
    delegate.reconciled(result, duration);
  }

  @Override
  public void jobCreated() {
    delegate.jobCreated();
  }

  @Override
  public void admitted(String agentKey, Duration waited) {
    delegate.admitted(agentKey, waited);
  }

  @Override
  public void quotaRejected(String agentKey) {
    delegate.quotaRejected(agentKey);
  }

  @Override
  public void eventRecorded(String result) {
    delegate.eventRecorded(result);
  }
}
