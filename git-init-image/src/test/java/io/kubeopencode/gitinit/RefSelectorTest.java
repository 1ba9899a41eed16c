package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.junit.jupiter.api.Test;

class RefSelectorTest {
  private static final ObjectId ID = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");

  private static Map<String, Ref> refs(String... names) {
    Map<String, Ref> map = new HashMap<>();
    for (String n : names) {
      map.put(n, new ObjectIdRef.PeeledNonTag(Ref.Storage.NETWORK, n, ID));
    }
    return map;
  }

  private static ResolvedRef select(String ref, Map<String, Ref> refs) {
    return RefSelector.select(ref, refs).orElse(null);
  }

  @Test
  void branchWinsOverATagOfTheSameName() {
    Map<String, Ref> refs = refs("refs/heads/v1", "refs/tags/v1", "refs/tags/v2");
    assertThat(select("v1", refs)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.BRANCH, "v1"));
    assertThat(select("v2", refs)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.TAG, "v2"));
    assertThat(select("refs/tags/v1", refs)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.TAG, "v1"));
  }

  @Test
  void otherRefsByFullOrShortName() {
    Map<String, Ref> refs = refs("refs/pull/7/head");
    assertThat(select("pull/7/head", refs)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.OTHER, "refs/pull/7/head"));
    assertThat(select("refs/pull/7/head", refs))
        .isEqualTo(new ResolvedRef(ResolvedRef.Kind.OTHER, "refs/pull/7/head"));
  }

  @Test
  void missing() {
    assertThat(RefSelector.select("v9", refs("refs/heads/main"))).isEmpty();
    assertThat(RefSelector.select("refs/heads/v9", refs("refs/heads/main"))).isEmpty();
    assertThat(RefSelector.select(null, refs())).isEmpty();
  }

  @Test
  void remoteHeadFollowsItsBranch() {
    Map<String, Ref> refs = refs("refs/heads/trunk");
    refs.put("HEAD", new SymbolicRef("HEAD", refs.get("refs/heads/trunk")));
    assertThat(select(null, refs)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.BRANCH, "trunk"));

    Map<String, Ref> detached = refs("HEAD");
    assertThat(select(null, detached)).isEqualTo(new ResolvedRef(ResolvedRef.Kind.DETACHED_HEAD, "HEAD"));
  }

  @Test
  void aShaNeedsNoListing() {
    assertThat(select(ID.name(), refs())).isEqualTo(new ResolvedRef(ResolvedRef.Kind.COMMIT, ID.name()));
    assertThat(RefSelector.prefixes(ID.name())).isEmpty();
    assertThat(RefSelector.prefixes(null)).containsExactly("HEAD");
    assertThat(RefSelector.prefixes("main")).containsExactly("refs/heads/main", "refs/tags/main", "refs/main");
  }

  @Test
  void refspecs() {
    assertThat(new ResolvedRef(ResolvedRef.Kind.BRANCH, "main").fetchSpec())
        .hasToString("+refs/heads/main:refs/remotes/origin/main");
    assertThat(new ResolvedRef(ResolvedRef.Kind.TAG, "v1").fetchSpec()).hasToString("+refs/tags/v1:refs/tags/v1");
    assertThat(new ResolvedRef(ResolvedRef.Kind.COMMIT, ID.name()).fetchSpec()).hasToString(ID.name());
    assertThat(new ResolvedRef(ResolvedRef.Kind.BRANCH, "main").configuredSpec(1))
        .hasToString("+refs/heads/main:refs/remotes/origin/main");
    assertThat(new ResolvedRef(ResolvedRef.Kind.BRANCH, "main").configuredSpec(0))
        .hasToString("+refs/heads/*:refs/remotes/origin/*");
    assertThat(new ResolvedRef(ResolvedRef.Kind.TAG, "v1").configuredSpec(1))
        .hasToString("+refs/heads/*:refs/remotes/origin/*");
  }
}
