package io.kubeopencode.contextinit.paths;

import io.kubeopencode.contextinit.Failure;

/** A path that would leave its allowed root, or is not a path at all; {@link #reason()} says which rule. */
public final class PathRefused extends Failure {

  /** The rule a path broke. */
  public enum Reason {
    EMPTY("is empty"),
    NUL_CHARACTER("contains a NUL character"),
    NOT_ABSOLUTE("is not absolute"),
    NOT_RELATIVE("is absolute; expected a path relative to the workspace"),
    PARENT_SEGMENT("contains a '..' segment"),
    OUTSIDE_ROOTS("is outside the directories context-init may write to"),
    OUTSIDE_VOLUME("is outside the ConfigMap volume"),
    VOLUME_INTERNAL("names the ConfigMap volume's '..' internals"),
    IS_ROOT("is the root directory itself, not a file in it"),
    SYMLINK_ESCAPE("goes through a symbolic link that points outside its root"),
    DANGLING_SYMLINK("goes through a symbolic link whose target does not exist");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public PathRefused(Reason reason, String what, String path, String extra) {
    super(Kind.PATH_REFUSED, what + " '" + printable(path) + "' " + reason.text() + (extra == null ? "" : extra));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Control characters shown escaped: a path must not break the one-line message. */
  static String printable(String path) {
    if (path == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(path.length());
    for (char c : path.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
