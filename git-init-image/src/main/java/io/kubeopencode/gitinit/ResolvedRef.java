package io.kubeopencode.gitinit;

import org.eclipse.jgit.transport.RefSpec;

/**
 * What GIT_REF turned out to be on the remote, and how to fetch it.
 *
 * @param name the branch or tag short name, the full ref name ({@link Kind#OTHER}), the SHA ({@link Kind#COMMIT}) or
 *     "HEAD" ({@link Kind#DETACHED_HEAD})
 */
public record ResolvedRef(Kind kind, String name) {
  public enum Kind { BRANCH, TAG, COMMIT, OTHER, DETACHED_HEAD }

  /** The refspec that fetches just this ref; sources without destination only update FETCH_HEAD. */
  public RefSpec fetchSpec() {
    return switch (kind) {
      case BRANCH -> new RefSpec("+refs/heads/" + name + ":refs/remotes/origin/" + name);
      case TAG -> new RefSpec("+refs/tags/" + name + ":refs/tags/" + name);
      case COMMIT, OTHER, DETACHED_HEAD -> new RefSpec(name);
    };
  }

  /** The refspec {@code remote.origin.fetch} gets: the branch alone when shallow (like git clone), else all. */
  public RefSpec configuredSpec(int depth) {
    if (kind == Kind.BRANCH && depth > 0) {
      return fetchSpec();
    }
    return new RefSpec("+refs/heads/*:refs/remotes/origin/*");
  }

  public String describe() {
    return switch (kind) {
      case BRANCH -> "branch " + name;
      case TAG -> "tag " + name;
      case COMMIT -> "commit " + name;
      case OTHER -> "ref " + name;
      case DETACHED_HEAD -> "remote HEAD";
    };
  }
}
