package io.kubeopencode.controller.job;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where contexts go: a mountPath resolved against the workspace (relative: under it; absolute: as is; {@code ..}
 * resolved lexically, as earlier releases' paths were used as given) and claimed, so that two contexts never resolve
 * to the same path.
 */
final class WorkspacePaths {
  private final String workspace;
  private final Map<String, String> claimed = new HashMap<>();

  WorkspacePaths(String workspaceDir) {
    this.workspace = normalize(workspaceDir, "workspaceDir");
  }

  String workspace() {
    return workspace;
  }

  /** The absolute, normalized path of a mountPath. */
  String resolve(String mountPath, String label) {
    return normalize(mountPath.startsWith("/") ? mountPath : workspace + "/" + mountPath, label);
  }

  /** A file's place: never the workspace itself. */
  String claimFile(String mountPath, String label) {
    String path = resolve(mountPath, label);
    if (isWorkspace(path) || path.equals("/")) {
      throw TaskFailure.contextError(label + ": mountPath '" + mountPath + "' is the directory " + path
          + ", not a file in it");
    }
    return claim(path, label);
  }

  /** A directory's place (the workspace itself is allowed: a repository or a ConfigMap merged into it). */
  String claimDirectory(String mountPath, String label) {
    String path = resolve(mountPath, label);
    if (path.equals("/")) {
      throw TaskFailure.contextError(label + ": mountPath '" + mountPath + "' resolves to /");
    }
    return claim(path, label);
  }

  String claim(String path, String label) {
    String previous = claimed.putIfAbsent(path, label);
    if (previous != null) {
      throw TaskFailure.contextError(previous + " and " + label + " both resolve to " + path);
    }
    return path;
  }

  boolean inside(String path) {
    return path.startsWith(workspace.equals("/") ? "/" : workspace + "/") && !isWorkspace(path);
  }

  boolean isWorkspace(String path) {
    return path.equals(workspace);
  }

  boolean insideOrWorkspace(String path) {
    return inside(path) || isWorkspace(path);
  }

  private static String normalize(String path, String label) {
    try {
      String normalized = Path.of(path).normalize().toString();
      return normalized.isEmpty() ? "/" : normalized;
    } catch (InvalidPathException e) {
      throw TaskFailure.contextError(label + ": '" + path + "' is not a usable path: " + e.getReason());
    }
  }
}
