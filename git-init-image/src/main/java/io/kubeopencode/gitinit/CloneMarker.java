package io.kubeopencode.gitinit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Written into {@code .git/} as the very last step of a clone: its presence means the checkout is complete, and its
 * request fields say whether a restarted pod may reuse it. Holds the credential-free URL only.
 */
public record CloneMarker(String repository, String ref, int depth, String subpath, boolean submodules,
    String commit) {
  static final String FILE_NAME = "kubeopencode-git-init";

  public static CloneMarker requestOf(Settings s) {
    return new CloneMarker(s.repo().display(), s.refLabel(), s.depth(), s.subpath() == null ? "" : s.subpath(),
        s.recurseSubmodules(), "");
  }

  public CloneMarker withCommit(String sha) {
    return new CloneMarker(repository, ref, depth, subpath, submodules, sha);
  }

  /** Same repository, ref, depth, subpath and submodule choice; the commit is whatever the clone got. */
  public boolean sameRequest(CloneMarker other) {
    return repository.equals(other.repository) && ref.equals(other.ref) && depth == other.depth
        && subpath.equals(other.subpath) && submodules == other.submodules;
  }

  public String format() {
    return "repository=" + repository + "\nref=" + ref + "\ndepth=" + depth + "\nsubpath=" + subpath
        + "\nsubmodules=" + submodules + "\ncommit=" + commit + "\n";
  }

  public static Optional<CloneMarker> parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    try {
      String repository = fields.get("repository");
      String ref = fields.get("ref");
      String subpath = fields.get("subpath");
      String commit = fields.get("commit");
      if (repository == null || ref == null || subpath == null || commit == null || commit.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new CloneMarker(repository, ref, Integer.parseInt(fields.get("depth")), subpath,
          Boolean.parseBoolean(fields.get("submodules")), commit));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
