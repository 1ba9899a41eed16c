package io.kubeopencode.contextinit.paths;

import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lexical path-safety rules, without touching the file system. A path is split on '/', empty and "."
 * segments are dropped, and a ".." segment is refused outright (rather than resolved), so that what is checked is
 * exactly what is written. Containment is decided per segment: {@code /workspace2} is not inside {@code /workspace}.
 */
public final class PathRules {
  /** Kubernetes' rule for ConfigMap keys (IsConfigMapKey). */
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final int MAX_KEY_LENGTH = 253;

  private PathRules() {}

  /**
   * A normalised absolute directory that may serve as a root: absolute, no "..", not "/" itself.
   *
   * @return the normalised form, e.g. {@code /workspace} for {@code /workspace/./}
   */
  public static String root(String raw, String what) {
    List<String> segments = absoluteSegments(raw, what);
    if (segments.isEmpty()) {
      throw new PathRefused(Reason.IS_ROOT, what, raw, ": '/' cannot be a root");
    }
    return join(segments);
  }

  /**
   * Checks a target path against the allowed roots (normalised, see {@link #root}): absolute, no "..", inside one of
   * them. The longest matching root is the one whose symbolic links are checked later.
   *
   * @param mayBeRoot true for a directory target, which may be a root itself (copy into the workspace)
   */
  public static TargetPath target(String raw, List<String> roots, boolean mayBeRoot, String what) {
    List<String> segments = absoluteSegments(raw, what);
    String best = roots.stream()
        .filter(root -> startsWith(segments, split(root)))
        .max(Comparator.comparingInt(String::length))
        .orElseThrow(() -> new PathRefused(Reason.OUTSIDE_ROOTS, what, raw, " (allowed: " + String.join(", ", roots)
            + ")"));
    List<String> below = segments.subList(split(best).size(), segments.size());
    if (below.isEmpty() && !mayBeRoot) {
      throw new PathRefused(Reason.IS_ROOT, what, raw, null);
    }
    return new TargetPath(raw, best, below);
  }

  /**
   * Checks a path relative to the workspace (an output file): not absolute, no "..", not the workspace itself.
   *
   * @return its segments
   */
  public static List<String> relative(String raw, String what) {
    requireText(raw, what);
    if (raw.startsWith("/")) {
      throw new PathRefused(Reason.NOT_RELATIVE, what, raw, null);
    }
    List<String> segments = segments(raw, what);
    if (segments.isEmpty()) {
      throw new PathRefused(Reason.IS_ROOT, what, raw, null);
    }
    return segments;
  }

  /**
   * A directory inside the ConfigMap volume: absolute below {@code mount} or relative to it. Kubernetes keeps its
   * atomic-writer internals ("..data", "..2024_..") in the volume root; names starting with ".." are refused.
   *
   * @param mount the normalised mount path
   * @return its segments below the mount
   */
  public static List<String> volumeSource(String raw, String mount, String what) {
    requireText(raw, what);
    List<String> segments = segments(raw, what);
    if (raw.startsWith("/")) {
      List<String> mountSegments = split(mount);
      if (!startsWith(segments, mountSegments)) {
        throw new PathRefused(Reason.OUTSIDE_VOLUME, what, raw, " (mounted at " + mount + ")");
      }
      segments = segments.subList(mountSegments.size(), segments.size());
    }
    for (String s : segments) {
      if (s.startsWith("..")) {
        throw new PathRefused(Reason.VOLUME_INTERNAL, what, raw, null);
      }
    }
    return List.copyOf(segments);
  }

  /**
   * Whether {@code key} is a valid ConfigMap key, which is also its file name in the volume: Kubernetes'
   * IsConfigMapKey (at most 253 of {@code [-._a-zA-Z0-9]}, not "." and not starting with "..").
   *
   * @return null if valid, else why not
   */
  public static String configMapKeyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "is empty";
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "is longer than " + MAX_KEY_LENGTH + " characters";
    }
    if (!CONFIG_MAP_KEY.matcher(key).matches()) {
      return "may only contain letters, digits, '-', '_' and '.'";
    }
    if (key.equals(".") || key.startsWith("..")) {
      return "must not be '.' or start with '..'";
    }
    return null;
  }

  private static List<String> absoluteSegments(String raw, String what) {
    requireText(raw, what);
    if (!raw.startsWith("/")) {
      throw new PathRefused(Reason.NOT_ABSOLUTE, what, raw, null);
    }
    return segments(raw, what);
  }

  private static void requireText(String raw, String what) {
    if (raw == null || raw.isEmpty()) {
      throw new PathRefused(Reason.EMPTY, what, raw, null);
    }
    if (raw.indexOf('\0') >= 0) {
      throw new PathRefused(Reason.NUL_CHARACTER, what, raw, null);
    }
  }

  private static List<String> segments(String raw, String what) {
    List<String> out = new ArrayList<>();
    for (String s : raw.split("/")) {
      if (s.equals("..")) {
        throw new PathRefused(Reason.PARENT_SEGMENT, what, raw, null);
      }
      if (!s.isEmpty() && !s.equals(".")) {
        out.add(s);
      }
    }
    return out;
  }

  /** Segments of an already normalised absolute path. */
  private static List<String> split(String normalised) {
    List<String> out = new ArrayList<>();
    for (String s : normalised.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean startsWith(List<String> path, List<String> prefix) {
    return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  private static String join(List<String> segments) {
    return "/" + String.join("/", segments);
  }
}
