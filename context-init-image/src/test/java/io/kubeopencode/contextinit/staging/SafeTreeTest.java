package io.kubeopencode.contextinit.staging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.contextinit.paths.TargetPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTreeTest {
  @TempDir
  Path tmp;
  Path workspace;
  Path outside;
  final SafeTree tree = new SafeTree();

  @BeforeEach
  void layout() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("ws"));
    outside = Files.createDirectory(tmp.resolve("outside"));
  }

  private TargetPath target(String path) {
    return PathRules.target(path, List.of(workspace.toString()), false, "target");
  }

  private long write(String path, String content, int mode) {
    TargetPath t = target(path);
    return tree.writeFile(tree.directory(t.parent()), t.name(), mode,
        file -> Files.writeString(file, content, UTF_8), t.toString());
  }

  @Test
  void createsParentsWritableForEveryoneAndTheFileWithItsMode() throws IOException {
    long size = write(workspace + "/a/b/c.txt", "hello", 0640);

    assertThat(size).isEqualTo(5);
    Path file = workspace.resolve("a/b/c.txt");
    assertThat(Files.readString(file)).isEqualTo("hello");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace.resolve("a"))))
        .isEqualTo("rwxrwxrwx");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace.resolve("a/b"))))
        .isEqualTo("rwxrwxrwx");
    assertThat(listing(workspace.resolve("a/b"))).containsExactly("c.txt"); // no temporary file left
  }

  @Test
  void aSymlinkedDirectoryPointingOutsideIsRefusedAndNothingIsCreatedThere() throws IOException {
    Files.createSymbolicLink(workspace.resolve("escape"), outside);

    assertThatThrownBy(() -> write(workspace + "/escape/new/x.txt", "x", 0644))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.SYMLINK_ESCAPE))
        .hasMessageContaining("goes through a symbolic link that points outside its root");
    assertThat(listing(outside)).isEmpty();
  }

  @Test
  void aRelativeSymlinkClimbingOutIsRefused() throws IOException {
    Files.createDirectories(workspace.resolve("d"));
    Files.createSymbolicLink(workspace.resolve("d/up"), Path.of("../../outside"));

    assertThatThrownBy(() -> write(workspace + "/d/up/x.txt", "x", 0644))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.SYMLINK_ESCAPE));
    assertThat(listing(outside)).isEmpty();
  }

  @Test
  void aSymlinkStayingInsideIsFollowed() throws IOException {
    Files.createDirectories(workspace.resolve("real"));
    Files.createSymbolicLink(workspace.resolve("alias"), Path.of("real"));

    write(workspace + "/alias/x.txt", "x", 0644);

    assertThat(Files.readString(workspace.resolve("real/x.txt"))).isEqualTo("x");
  }

  @Test
  void aDanglingSymlinkOnTheWayIsRefused() throws IOException {
    Files.createSymbolicLink(workspace.resolve("gone"), outside.resolve("missing"));

    assertThatThrownBy(() -> write(workspace + "/gone/x.txt", "x", 0644))
        .isInstanceOfSatisfying(PathRefused.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DANGLING_SYMLINK));
    assertThat(listing(outside)).isEmpty();
  }

  @Test
  void aSymlinkAtTheTargetIsReplacedNotWrittenThrough() throws IOException {
    Path secret = Files.writeString(outside.resolve("secret"), "untouched");
    Files.createSymbolicLink(workspace.resolve("task.md"), secret);

    write(workspace + "/task.md", "new", 0644);

    assertThat(Files.readString(secret)).isEqualTo("untouched");
    assertThat(Files.isSymbolicLink(workspace.resolve("task.md"))).isFalse();
    assertThat(Files.readString(workspace.resolve("task.md"))).isEqualTo("new");
  }

  @Test
  void aFileInTheWayOfADirectoryIsNamed() throws IOException {
    Files.writeString(workspace.resolve("file"), "x");

    assertThatThrownBy(() -> write(workspace + "/file/x.txt", "x", 0644))
        .isInstanceOfSatisfying(Failure.class,
            e -> assertThat(e.kind()).isEqualTo(Failure.Kind.NOT_A_DIRECTORY))
        .hasMessageContaining("exists and is not a directory");
  }

  @Test
  void aDirectoryAtTheTargetIsNotReplaced() throws IOException {
    Files.createDirectories(workspace.resolve("dir/inner"));

    assertThatThrownBy(() -> write(workspace + "/dir", "x", 0644))
        .isInstanceOfSatisfying(Failure.class,
            e -> assertThat(e.kind()).isEqualTo(Failure.Kind.NOT_A_DIRECTORY));
    assertThat(Files.isDirectory(workspace.resolve("dir/inner"))).isTrue();
  }

  @Test
  void aFailedWriteLeavesNoPartialFileAndKeepsTheOldOne() throws IOException {
    Files.writeString(workspace.resolve("keep.txt"), "old");
    TargetPath t = target(workspace + "/keep.txt");

    assertThatThrownBy(() -> tree.writeFile(tree.directory(t.parent()), t.name(), 0644, file -> {
      Files.writeString(file, "half");
      throw new IOException("disk full");
    }, t.toString())).isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.IO_ERROR))
        .hasMessageContaining("disk full");

    assertThat(Files.readString(workspace.resolve("keep.txt"))).isEqualTo("old");
    assertThat(listing(workspace)).containsExactly("keep.txt");
  }

  @Test
  void aMissingRootIsNamed() {
    TargetPath t = PathRules.target(tmp + "/nope/x", List.of(tmp + "/nope"), false, "t");

    assertThatThrownBy(() -> tree.directory(t.parent()))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.MISSING_ROOT));
    assertThat(Files.exists(tmp.resolve("nope"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
