package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineLockTest {

  @Test
  void releaseEmptiesTheFileButKeepsIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("test.lock");
    Object inode;
    try (MachineLock lock = MachineLock.acquire(file, Duration.ofSeconds(5), "holder one")) {
      assertThat(file).hasContent("holder one");
      inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      assertThatThrownBy(() -> MachineLock.acquire(file, Duration.ofSeconds(1), "holder two"))
          .isInstanceOf(ContainerdUnavailableException.class).hasMessageContaining("holder one");
    }

    // Kept: a deleted lock file's inode number may be reused at once (ext4), and a waiter that locked the old
    // file could not tell it from a new one.
    assertThat(file).exists().isEmptyFile();
    try (MachineLock again = MachineLock.acquire(file, Duration.ofSeconds(5), "holder two")) {
      assertThat(file).hasContent("holder two");
      assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
          .isEqualTo(inode);
    }
  }
}
