package io.kubeopencode.contextinit.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The lexical rules against the JDK's own normalisation, for random paths built from tricky segments. */
class PathRulesPropertyTest {
  private static final List<String> ROOTS = List.of("/workspace", "/workspace/sub", "/extra");

  @Property(tries = 2000)
  void anAcceptedTargetIsItsOwnNormalFormInsideARoot(@ForAll("paths") String raw) {
    TargetPath t;
    try {
      t = PathRules.target(raw, ROOTS, true, "t");
    } catch (PathRefused refused) {
      return;
    }
    Path normal = Path.of(raw).normalize();
    assertThat(t.path()).isEqualTo(normal);
    assertThat(ROOTS).contains(t.root());
    assertThat(normal.startsWith(Path.of(t.root()))).isTrue();
    assertThat(t.segments()).noneMatch(s -> s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("/"));
    // The most specific root: no longer root also contains it.
    assertThat(ROOTS).filteredOn(r -> r.length() > t.root().length())
        .noneMatch(r -> normal.startsWith(Path.of(r)));
  }

  @Property(tries = 2000)
  void aPathThatLeavesEveryRootIsRefused(@ForAll("paths") String raw) {
    boolean parentSegment = Arrays.asList(raw.split("/")).contains("..");
    boolean lexicallyInside = raw.startsWith("/") && !raw.contains("\0")
        && ROOTS.stream().anyMatch(r -> Path.of(raw).normalize().startsWith(Path.of(r)));
    Throwable thrown = catchThrowable(() -> PathRules.target(raw, ROOTS, true, "t"));

    if (parentSegment || !lexicallyInside) {
      assertThat(thrown).isInstanceOf(PathRefused.class);
    }
    if (parentSegment && raw.startsWith("/") && !raw.contains("\0")) {
      assertThat(((PathRefused) thrown).reason()).isEqualTo(Reason.PARENT_SEGMENT);
    }
  }

  @Property(tries = 2000)
  void onlyPathRefusedEverEscapes(@ForAll String anything) {
    Throwable thrown = catchThrowable(() -> PathRules.target(anything, ROOTS, false, "t"));
    assertThat(thrown == null || thrown instanceof PathRefused).as("%s", thrown).isTrue();
    thrown = catchThrowable(() -> PathRules.relative(anything, "p"));
    assertThat(thrown == null || thrown instanceof PathRefused).as("%s", thrown).isTrue();
  }

  @Property(tries = 2000)
  void anAcceptedRelativePathStaysStrictlyInsideTheWorkspace(@ForAll("paths") String raw) {
    Path workspace = Path.of("/workspace");
    List<String> segments;
    try {
      segments = PathRules.relative(raw, "p");
    } catch (PathRefused refused) {
      return;
    }
    Path resolved = workspace.resolve(raw).normalize();
    assertThat(resolved.startsWith(workspace)).isTrue();
    assertThat(resolved).isNotEqualTo(workspace);
    assertThat(resolved).isEqualTo(workspace.resolve(String.join("/", segments)));
  }

  @Property(tries = 1000)
  void volumeSourcesNeverNameTheInternalsOrLeaveTheMount(@ForAll("paths") String raw) {
    String mount = "/workspace";
    List<String> segments;
    try {
      segments = PathRules.volumeSource(raw, mount, "s");
    } catch (PathRefused refused) {
      return;
    }
    assertThat(segments).noneMatch(s -> s.startsWith(".."));
    Path resolved = Path.of(mount).resolve(raw).normalize();
    assertThat(resolved.startsWith(Path.of(mount))).isTrue();
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.of("workspace", "sub", "extra", "workspace2", "a", "..", ".", "",
        "..data", "...", "a b", "ä", "-", "\0");
    return Arbitraries.oneOf(
        segment.list().ofMaxSize(7).map(s -> "/" + String.join("/", s)),
        segment.list().ofMaxSize(7).map(s -> String.join("/", s)),
        segment.list().ofMaxSize(5).map(s -> "/workspace/" + String.join("/", s)));
  }
}
