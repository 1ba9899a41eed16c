package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge itself on a real file system: what wins, what is never touched, and that a second pass changes nothing. */
class MergeIntoTest {
  @TempDir
  Path tmp;
  Path workspace;
  Path staging;
  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  MergeInto merge;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    Settings settings = SettingsParser.parse(Map.of(EnvNames.GIT_REPO, "git://127.0.0.1/r", EnvNames.GIT_ROOT,
        workspace.resolve(".kubeopencode/git").toString(), EnvNames.GIT_LINK, "0", EnvNames.GIT_MERGE_INTO,
        workspace.toString()));
    Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8));
    merge = new MergeInto(settings, new Workspace(settings, log), log);
    staging = workspace.resolve(".kubeopencode/git/0");
  }

  @Test
  void existingEntriesWinAndLinksAreNeverFollowed() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.createSymbolicLink(workspace.resolve("linked"), outside);
    write(workspace.resolve("dir-here/own.txt"), "own");
    write(workspace.resolve("file-here"), "own file");
    write(staging.resolve("linked/repo.txt"), "repo");
    write(staging.resolve("dir-here/repo.txt"), "repo");
    write(staging.resolve("dir-here/own.txt"), "repo's version");
    write(staging.resolve("file-here/nested.txt"), "repo");
    write(staging.resolve("new/deep/file.txt"), "repo");

    String summary = merge.mergeStaged();

    assertThat(summary).isEqualTo("merged into " + workspace + ": 2 entries moved, 3 existing paths kept");
    assertThat(outside).isEmptyDirectory();
    assertThat(workspace.resolve("dir-here/own.txt")).hasContent("own");
    assertThat(workspace.resolve("dir-here/repo.txt")).hasContent("repo");
    assertThat(workspace.resolve("file-here")).hasContent("own file");
    assertThat(workspace.resolve("new/deep/file.txt")).hasContent("repo");
    assertThat(logged.toString(StandardCharsets.UTF_8))
        .contains("kept " + workspace.resolve("linked") + " as it was: the repository's linked is not merged")
        .contains("kept " + workspace.resolve("dir-here/own.txt") + " as it was: the repository's dir-here/own.txt"
            + " is not merged");
  }

  @Test
  void theStagingAreaIsNeverMergedInto() throws Exception {
    write(workspace.resolve(".kubeopencode/context.md"), "context");
    write(staging.resolve(".kubeopencode/git/0/evil.txt"), "would land in the staging checkout");
    write(staging.resolve(".kubeopencode/git/.kubeopencode-git/0.merge"), "would overwrite the marker");
    write(staging.resolve(".kubeopencode/notes.md"), "fine");

    merge.mergeStaged();

    assertThat(workspace.resolve(".kubeopencode/notes.md")).hasContent("fine");
    assertThat(workspace.resolve(".kubeopencode/context.md")).hasContent("context");
    assertThat(workspace.resolve(".kubeopencode/git/.kubeopencode-git")).doesNotExist();
    assertThat(logged.toString(StandardCharsets.UTF_8)).contains("it would land in git-init's own staging area at "
        + workspace.resolve(".kubeopencode/git/0"));
  }

  @Test
  void aSecondPassChangesNothingAndTheStagingAreaGoes() throws Exception {
    write(workspace.resolve("README.md"), "own");
    write(staging.resolve("README.md"), "repo");
    write(staging.resolve("src/a.txt"), "a");
    merge.mergeStaged();
    Files.writeString(workspace.resolve("src/a.txt"), "changed since");

    String again = merge.mergeStaged();
    merge.removeStaging();

    assertThat(again).isEqualTo("merged into " + workspace + ": 0 entries moved, 1 existing paths kept");
    assertThat(workspace.resolve("src/a.txt")).hasContent("changed since");
    assertThat(staging).doesNotExist();
    try (Stream<Path> left = Files.list(workspace)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("README.md", "src",
          ".kubeopencode");
    }
  }

  @Test
  void theMarkerRoundTrips() throws Exception {
    CloneMarker request = new CloneMarker("git://127.0.0.1/r", "HEAD", 1, "", false, "");
    merge.record(MergeMarker.merging(request.withCommit("abc")));

    assertThat(merge.state(request)).contains(new MergeMarker(false, request.withCommit("abc")));
    merge.record(MergeMarker.merging(request.withCommit("abc")).done());
    assertThat(merge.state(request)).hasValueSatisfying(m -> assertThat(m.merged()).isTrue());
    assertThat(merge.state(new CloneMarker("git://127.0.0.1/r", "v1", 1, "", false, ""))).isEmpty();
    assertThat(MergeMarker.parse("phase=other\n" + request.withCommit("x").format())).isEmpty();
  }
}
