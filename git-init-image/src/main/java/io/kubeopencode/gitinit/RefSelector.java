package io.kubeopencode.gitinit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/** Matches GIT_REF against the refs a remote advertises, in the order git clone --branch uses: branch, then tag. */
public final class RefSelector {
  private RefSelector() {}

  /** The ref prefixes to ask a protocol-v2 server for, so that it does not list every ref of a large repository. */
  public static List<String> prefixes(String ref) {
    if (ref == null) {
      return List.of(Constants.HEAD);
    }
    if (ObjectId.isId(ref)) {
      return List.of();
    }
    if (ref.startsWith(Constants.R_REFS)) {
      return List.of(ref);
    }
    return List.of(Constants.R_HEADS + ref, Constants.R_TAGS + ref, Constants.R_REFS + ref);
  }

  /** The ref to fetch; empty when the remote has no such ref. A full SHA is fetched as it is. */
  public static Optional<ResolvedRef> select(String ref, Map<String, Ref> advertised) {
    if (ref == null) {
      Ref head = advertised.get(Constants.HEAD);
      if (head == null) {
        return Optional.empty();
      }
      if (head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
        return Optional.of(new ResolvedRef(ResolvedRef.Kind.BRANCH,
            head.getTarget().getName().substring(Constants.R_HEADS.length())));
      }
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.DETACHED_HEAD, Constants.HEAD));
    }
    if (ObjectId.isId(ref)) {
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.COMMIT, ref));
    }
    String full = ref.startsWith(Constants.R_REFS) ? ref : null;
    if (full != null) {
      if (!advertised.containsKey(full)) {
        return Optional.empty();
      }
      if (full.startsWith(Constants.R_HEADS)) {
        return Optional.of(new ResolvedRef(ResolvedRef.Kind.BRANCH, full.substring(Constants.R_HEADS.length())));
      }
      if (full.startsWith(Constants.R_TAGS)) {
        return Optional.of(new ResolvedRef(ResolvedRef.Kind.TAG, full.substring(Constants.R_TAGS.length())));
      }
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.OTHER, full));
    }
    if (advertised.containsKey(Constants.R_HEADS + ref)) {
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.BRANCH, ref));
    }
    if (advertised.containsKey(Constants.R_TAGS + ref)) {
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.TAG, ref));
    }
    if (advertised.containsKey(Constants.R_REFS + ref)) {
      return Optional.of(new ResolvedRef(ResolvedRef.Kind.OTHER, Constants.R_REFS + ref));
    }
    return Optional.empty();
  }
}
