package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The marker, the shared git config and the termination log. */
class SmallPartsTest {
  @Test
  void markerRoundTripsAndComparesTheRequestOnly() {
    CloneMarker m = new CloneMarker("https://h/r.git", "main", 1, "docs", true, "abc123");
    assertThat(CloneMarker.parse(m.format())).contains(m);
    assertThat(m.sameRequest(m.withCommit("def456"))).isTrue();
    assertThat(m.sameRequest(new CloneMarker("https://h/r.git", "main", 0, "docs", true, "abc123"))).isFalse();
    assertThat(m.sameRequest(new CloneMarker("https://h/r.git", "v1", 1, "docs", true, "abc123"))).isFalse();
    assertThat(CloneMarker.parse("repository=x\nref=main\n")).isEmpty();
    assertThat(CloneMarker.parse("garbage")).isEmpty();
  }

  @Test
  void safeDirectoriesAreMergedOnce() {
    String first = SafeDirectories.merge(null, List.of("/workspace/a"));
    String second = SafeDirectories.merge(first, List.of("/workspace/b", "/workspace/a"));

    assertThat(second).startsWith("# Written by KubeOpenCode git-init")
        .contains("[safe]\n\tdirectory = /workspace/a\n\tdirectory = /workspace/b\n");
    assertThat(second.split("directory = /workspace/a", -1)).hasSize(2);
    assertThat(SafeDirectories.merge("[broken", List.of("/x"))).contains("directory = /x");
  }

  @Test
  void terminationMessageIsOneBoundedLine(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("termination-log");
    TerminationLog.write(log, "first\n  second\r\nthird");
    assertThat(log).hasContent("first second third");

    TerminationLog.write(log, "x".repeat(5000));
    assertThat(Files.readString(log)).hasSize(TerminationLog.MAX_CHARS).endsWith("...");

    TerminationLog.write(dir.resolve("missing/dir/log"), "ignored");
    assertThat(dir.resolve("missing")).doesNotExist();
  }
}
