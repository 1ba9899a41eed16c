package io.kubeopencode.service;

import java.util.Objects;

/** The outcome of one health check: up or down, with a short message shown in the health endpoint's details. */
public record CheckResult(boolean up, String detail) {
  public CheckResult {
    Objects.requireNonNull(detail, "detail");
  }

  public static CheckResult up(String detail) {
    return new CheckResult(true, detail);
  }

  public static CheckResult down(String detail) {
    return new CheckResult(false, detail);
  }
}
