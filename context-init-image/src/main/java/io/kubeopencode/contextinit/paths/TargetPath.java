package io.kubeopencode.contextinit.paths;

import java.nio.file.Path;
import java.util.List;

/**
 * A lexically checked path: {@code root} (an allowed root, normalised) plus the segments below it, none of them
 * empty, "." or "..". Whether symbolic links on the way stay inside the root is checked when writing.
 *
 * @param requested the path as given, for messages
 */
public record TargetPath(String requested, String root, List<String> segments) {

  public TargetPath {
    segments = List.copyOf(segments);
  }

  /** The absolute, normalised path. */
  public Path path() {
    Path p = Path.of(root);
    for (String s : segments) {
      p = p.resolve(s);
    }
    return p;
  }

  /** The last segment: the file name; only for paths below the root. */
  public String name() {
    return segments.get(segments.size() - 1);
  }

  /** The directory holding this path; only for paths below the root. */
  public TargetPath parent() {
    return new TargetPath(requested, root, segments.subList(0, segments.size() - 1));
  }

  @Override
  public String toString() {
    return path().toString();
  }
}
