package io.kubeopencode.testsupport;

/**
 * This machine cannot run {@link Containerd}, for the {@link Reason} named in the message (and by {@link #reason()}).
 */
public final class ContainerdUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Why a private containerd cannot run here. */
  public enum Reason {
    /** Not Linux: containerd and runc need Linux namespaces and cgroups. */
    NOT_LINUX,
    /** Not root: containerd, runc and the overlay snapshotter need root. */
    NOT_ROOT,
    /** No cgroup (v1 or v2) file system is mounted. */
    NO_CGROUP_MOUNT,
    /** hack/containerd.sh could not provide containerd, runc or busybox (its message says which and how to fix it). */
    BINARIES_MISSING,
    /** The work directory is too deep for a Unix socket path (at most 107 bytes). */
    SOCKET_PATH_TOO_LONG,
    /** Another private containerd holds the machine-wide lock beyond the wait allowed. */
    BUSY,
    /** containerd was started but exited or did not serve its socket in time (the message has its log's end). */
    DID_NOT_START
  }

  private final Reason reason;

  ContainerdUnavailableException(Reason reason, String detail) {
    this(reason, detail, null);
  }

  ContainerdUnavailableException(Reason reason, String detail, Throwable cause) {
    super("containerd unavailable (" + reason + "): " + detail, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
