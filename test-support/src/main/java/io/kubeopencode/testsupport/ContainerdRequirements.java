package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.nio.charset.StandardCharsets;

/** What a private containerd needs of this machine and its work directory, checked before anything is started. */
final class ContainerdRequirements {
  /** The longest Unix socket path (sun_path holds 108 bytes with the terminating NUL). */
  private static final int MAX_SOCKET_PATH = 107;

  private ContainerdRequirements() {}

  /**
   * Linux, root, a cgroup file system, and a work directory short enough for containerd's sockets.
   *
   * @throws ContainerdUnavailableException naming the first that is missing
   */
  static void check(ContainerdConfig config) {
    checkMachine();
    String ttrpcSocket = config.ttrpcSocket().toString();
    if (ttrpcSocket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new ContainerdUnavailableException(Reason.SOCKET_PATH_TOO_LONG, ttrpcSocket + " is longer than "
          + MAX_SOCKET_PATH + " bytes; use a shorter work directory");
    }
  }

  private static void checkMachine() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      throw new ContainerdUnavailableException(Reason.NOT_LINUX, "this is " + System.getProperty("os.name"));
    }
    int uid = HostState.effectiveUid();
    if (uid != 0) {
      throw new ContainerdUnavailableException(Reason.NOT_ROOT, "this JVM runs as uid " + uid
          + "; containerd, runc and overlay mounts need root");
    }
    if (HostState.cgroupHierarchies().isEmpty()) {
      throw new ContainerdUnavailableException(Reason.NO_CGROUP_MOUNT,
          "no cgroup or cgroup2 file system in /proc/self/mountinfo; runc needs one (mount /sys/fs/cgroup)");
    }
  }
}
