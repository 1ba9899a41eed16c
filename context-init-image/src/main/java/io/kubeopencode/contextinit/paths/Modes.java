package io.kubeopencode.contextinit.paths;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File modes as the API gives them (an int, 420 for 0644) and as NIO sets them. */
public final class Modes {
  /** The most a Task's fileMode may be: rwx for all, no setuid/setgid/sticky. */
  public static final int MAX = 0777;
  /**
   * Files without a mode of their own (directory copies, URL downloads), like a ConfigMap volume's default; written
   * as {@link #forAnyUser} of it, 0666.
   */
  public static final int DEFAULT_FILE = 0644;
  /**
   * Directories context-init creates: the agent's user id is unknown (each container runs as its image's user), so
   * directories are writable for everyone, like the emptyDir workspace itself.
   */
  public static final int DIRECTORY = 0777;

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  private Modes() {}

  public static boolean valid(int mode) {
    return mode >= 0 && mode <= MAX;
  }

  /** @throws IllegalArgumentException outside 0..0777 */
  public static Set<PosixFilePermission> permissions(int mode) {
    if (!valid(mode)) {
      throw new IllegalArgumentException("file mode " + mode + " is not between 0 and 0777");
    }
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        out.add(BITS[bit]);
      }
    }
    return out;
  }

  /**
   * The mode a file is written with: the owner's permissions given to group and others as well (0644 → 0666,
   * 0755 → 0777, 0600 → 0666, 0444 stays). The agent runs under another uid than context-init, often root without
   * capabilities, which cannot bypass permissions either; the volume is the pod's own, so "others" are the pod's
   * containers. {@code fileMode} thus says what the agent may do: read, write, execute.
   */
  public static int forAnyUser(int mode) {
    int owner = mode & 0700;
    return mode | (owner >> 3) | (owner >> 6);
  }

  /** {@code 0644} for 420. */
  public static String octal(int mode) {
    return String.format("0%03o", mode);
  }
}
