package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Assertions on what git-init leaves behind. */
final class Checks {
  private Checks() {}

  /** No secret in the process output, nor in any file (or symlink target) under {@code root}, .git included. */
  static void assertNoSecret(GitInitProcess.Result result, Path root, String... secrets) throws IOException {
    for (String secret : secrets) {
      assertThat(result.output()).as("process output").doesNotContain(secret);
      assertThat(result.terminationMessage()).as("termination message").doesNotContain(secret);
    }
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        files.add(file);
        return FileVisitResult.CONTINUE;
      }
    });
    assertThat(files).as("files under " + root).isNotEmpty();
    for (Path file : files) {
      String content = Files.isSymbolicLink(file) ? Files.readSymbolicLink(file).toString()
          : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String secret : secrets) {
        assertThat(content).as("content of " + file).doesNotContain(secret);
      }
    }
  }

  /** Directories rwx and files rw for everyone (executables rwx), so an agent running as another user can work. */
  static void assertSharedWithAnyUser(Path top) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        assertThat(Files.getPosixFilePermissions(dir)).as("permissions of " + dir)
            .containsAll(Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.GROUP_WRITE));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          assertThat(Files.getPosixFilePermissions(file)).as("permissions of " + file)
              .contains(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                  PosixFilePermission.GROUP_WRITE);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
