package io.kubeopencode.testsupport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a pod on a kwok node behaves, expressed as the pod annotations read by the kwok stages in
 * {@code kwok-pod-stages.yaml}. Put {@link #annotations()} on a pod (an Agent's {@code podSpec.annotations}, or a
 * Job's pod template).
 */
public final class PodOutcome {
  public static final String PREFIX = "sim.kubeopencode.io/";
  private final Map<String, String> annotations = new LinkedHashMap<>();

  private PodOutcome() {}

  /** Runs for the default 200 ms, then every container exits 0. */
  public static PodOutcome succeed() {
    return new PodOutcome();
  }

  /** Every main container exits with {@code exitCode}. */
  public static PodOutcome exit(int exitCode) {
    return new PodOutcome().exitCode(exitCode);
  }

  public PodOutcome exitCode(int exitCode) {
    annotations.put(PREFIX + "exit-code", Integer.toString(exitCode));
    return this;
  }

  /** Exit code of one container: a main container or a native sidecar. */
  public PodOutcome exitCode(String container, int exitCode) {
    annotations.put(PREFIX + "exit-code." + container, Integer.toString(exitCode));
    return this;
  }

  /** Termination reason of one container, e.g. {@code OOMKilled}. */
  public PodOutcome reason(String container, String reason) {
    annotations.put(PREFIX + "reason." + container, reason);
    return this;
  }

  /** Termination message of one container (what it wrote to /dev/termination-log). */
  public PodOutcome message(String container, String message) {
    annotations.put(PREFIX + "message." + container, message);
    return this;
  }

  /** How long the pod stays Running before it finishes. */
  public PodOutcome runFor(Duration duration) {
    annotations.put(PREFIX + "run-duration", duration.toMillis() + "ms");
    return this;
  }

  /** Stays Running until the {@code hold} annotation is removed from the pod. */
  public PodOutcome hold() {
    annotations.put(PREFIX + "hold", "true");
    return this;
  }

  /** A regular init container fails; the pod fails without running its main containers. */
  public PodOutcome failInitContainer(String container, int exitCode, String message) {
    annotations.put(PREFIX + "fail-init-container", container);
    annotations.put(PREFIX + "exit-code." + container, Integer.toString(exitCode));
    annotations.put(PREFIX + "message." + container, message);
    return this;
  }

  /** The image of one container (init or main) cannot be pulled: the pod stays Pending, as with a real kubelet. */
  public PodOutcome imagePullError(String container) {
    annotations.put(PREFIX + "image-pull-error", container);
    return this;
  }

  /**
   * One container (init, sidecar or main) cannot start: the pod stays Pending with it waiting for {@code reason}
   * (e.g. CreateContainerConfigError) with the kubelet's {@code message}.
   */
  public PodOutcome cannotStart(String container, String reason, String message) {
    annotations.put(PREFIX + "image-pull-error", container);
    annotations.put(PREFIX + "waiting-reason", reason);
    annotations.put(PREFIX + "waiting-message", message);
    return this;
  }

  public Map<String, String> annotations() {
    return Map.copyOf(annotations);
  }
}
