package io.kubeopencode.contextinit.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathRulesTest {
  private static final List<String> ROOTS = List.of("/workspace", "/workspace/mnt", "/extra");

  @Test
  void targetInsideTheWorkspaceIsSplitBelowIt() {
    TargetPath t = PathRules.target("/workspace/docs//./a.md", ROOTS, false, "target");

    assertThat(t.root()).isEqualTo("/workspace");
    assertThat(t.segments()).containsExactly("docs", "a.md");
    assertThat(t.path()).hasToString("/workspace/docs/a.md");
    assertThat(t.name()).isEqualTo("a.md");
    assertThat(t.parent().segments()).containsExactly("docs");
  }

  @Test
  void theLongestMatchingRootIsUsed() {
    TargetPath t = PathRules.target("/workspace/mnt/x", ROOTS, false, "target");

    assertThat(t.root()).isEqualTo("/workspace/mnt");
    assertThat(t.segments()).containsExactly("x");
  }

  @ParameterizedTest
  @CsvSource({
      "/workspace/../etc/passwd, PARENT_SEGMENT",
      "/workspace/a/../../etc, PARENT_SEGMENT",
      "/workspace/.., PARENT_SEGMENT",
      "workspace/a, NOT_ABSOLUTE",
      "./a, NOT_ABSOLUTE",
      "/etc/passwd, OUTSIDE_ROOTS",
      "/workspace2/a, OUTSIDE_ROOTS",
      "/work, OUTSIDE_ROOTS",
      "/, OUTSIDE_ROOTS",
      "/workspace, IS_ROOT",
      "/workspace/./, IS_ROOT",
      "/extra, IS_ROOT",
  })
  void refusedTargetsNameTheRule(String path, Reason reason) {
    assertThatThrownBy(() -> PathRules.target(path, ROOTS, false, "FILE_MAPPINGS[0] targetPath"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageStartingWith("PathRefused: FILE_MAPPINGS[0] targetPath '" + path + "' " + reason.text());
  }

  @Test
  void emptyAndNulAreRefused() {
    assertThatThrownBy(() -> PathRules.target("", ROOTS, false, "t"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    assertThatThrownBy(() -> PathRules.target(null, ROOTS, false, "t"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    assertThatThrownBy(() -> PathRules.target("/workspace/a\0b", ROOTS, false, "t"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER))
        .hasMessageContaining("a\\x00b");
  }

  @Test
  void outsideRootsListsTheAllowedOnes() {
    assertThatThrownBy(() -> PathRules.target("/etc/x", ROOTS, false, "t"))
        .hasMessage("PathRefused: t '/etc/x' is outside the directories context-init may write to "
            + "(allowed: /workspace, /workspace/mnt, /extra)");
  }

  @Test
  void aDirectoryTargetMayBeTheRootItself() {
    TargetPath t = PathRules.target("/workspace/.", ROOTS, true, "t");

    assertThat(t.segments()).isEmpty();
    assertThat(t.path()).hasToString("/workspace");
  }

  @Test
  void rootsAreNormalisedAndSlashIsNoRoot() {
    assertThat(PathRules.root("/workspace/./", "WORKSPACE_DIR")).isEqualTo("/workspace");
    assertThatThrownBy(() -> PathRules.root("/", "WORKSPACE_DIR"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.IS_ROOT));
    assertThatThrownBy(() -> PathRules.root("relative", "WORKSPACE_DIR"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ABSOLUTE));
    assertThatThrownBy(() -> PathRules.root("/a/../b", "WORKSPACE_DIR"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.PARENT_SEGMENT));
  }

  @Test
  void relativeOutputPaths() {
    assertThat(PathRules.relative("out/./pr-url", "path")).containsExactly("out", "pr-url");
    assertThatThrownBy(() -> PathRules.relative("/etc/passwd", "path"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_RELATIVE));
    assertThatThrownBy(() -> PathRules.relative("../x", "path"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.PARENT_SEGMENT));
    assertThatThrownBy(() -> PathRules.relative("./", "path"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.IS_ROOT));
  }

  @Test
  void volumeSourcesStayInsideTheMountAndAwayFromItsInternals() {
    assertThat(PathRules.volumeSource("/kubeopencode/context/dirs/3", "/kubeopencode/context", "s"))
        .containsExactly("dirs", "3");
    assertThat(PathRules.volumeSource("dirs/3", "/kubeopencode/context", "s")).containsExactly("dirs", "3");
    assertThatThrownBy(() -> PathRules.volumeSource("/etc", "/kubeopencode/context", "s"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.OUTSIDE_VOLUME));
    assertThatThrownBy(() -> PathRules.volumeSource("/kubeopencode/context/..data/dirs", "/kubeopencode/context",
        "s")).isInstanceOfSatisfying(PathRefused.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.VOLUME_INTERNAL));
    assertThatThrownBy(() -> PathRules.volumeSource("dirs/../..", "/kubeopencode/context", "s"))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.PARENT_SEGMENT));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "NULL", quoteCharacter = '"', value = {
      "task.md, NULL",
      "file-12, NULL",
      "dir-3.a_b-C, NULL",
      "\"\", is empty",
      "a/b, \"may only contain letters, digits, '-', '_' and '.'\"",
      "., must not be '.' or start with '..'",
      "..data, must not be '.' or start with '..'",
      "ä, \"may only contain letters, digits, '-', '_' and '.'\"",
  })
  void configMapKeys(String key, String problem) {
    assertThat(PathRules.configMapKeyProblem(key)).isEqualTo(problem);
  }

  @Test
  void configMapKeysAreAtMost253Characters() {
    assertThat(PathRules.configMapKeyProblem("a".repeat(253))).isNull();
    assertThat(PathRules.configMapKeyProblem("a".repeat(254))).isEqualTo("is longer than 253 characters");
  }
}
