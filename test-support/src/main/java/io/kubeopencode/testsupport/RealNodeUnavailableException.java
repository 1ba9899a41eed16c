package io.kubeopencode.testsupport;

import java.util.List;

/**
 * This machine cannot run {@link KubeCluster#withRealNode}, for the {@link Reason} named in the message (and by
 * {@link #reason()}); {@link #missing()} lists each requirement that failed, as {@code hack/node-binaries.sh --check}
 * names them. A containerd that cannot run fails with {@link ContainerdUnavailableException} instead.
 */
public final class RealNodeUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Why a real node cannot run here. */
  public enum Reason {
    /** {@code hack/node-binaries.sh --check} found requirements missing (root, cgroups, sysctls, iptables, ...). */
    MACHINE,
    /** {@code hack/node-binaries.sh} could not provide kubelet, kube-proxy, CoreDNS or the CNI plugins. */
    BINARIES_MISSING,
    /** Another real node holds the machine-wide lock beyond the wait allowed. */
    BUSY,
    /** A component was started but exited or did not become ready (the message has its log's end). */
    DID_NOT_START
  }

  private final Reason reason;
  private final List<String> missing;

  RealNodeUnavailableException(Reason reason, String detail, List<String> missing) {
    super("real node unavailable (" + reason + "): " + detail
        + (missing.isEmpty() ? "" : "\n  " + String.join("\n  ", missing)));
    this.reason = reason;
    this.missing = List.copyOf(missing);
  }

  RealNodeUnavailableException(Reason reason, String detail) {
    this(reason, detail, List.of());
  }

  public Reason reason() {
    return reason;
  }

  /** The failed requirements, one line each ({@code missing NAME: why}); empty unless {@link Reason#MACHINE}. */
  public List<String> missing() {
    return missing;
  }
}
