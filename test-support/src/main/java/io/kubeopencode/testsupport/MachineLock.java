package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;

/**
 * A machine-wide exclusive lock on a file (an fcntl lock, released by the kernel when the JVM dies). The file is
 * never deleted, only emptied on release: a holder that deleted it let a waiter lock the orphaned inode while a third
 * process locked a new file at the path, and on ext4 (where /run/lock is on these machines) the new file may get the
 * freed inode number, so no check of the path can tell; two private containerds then ran at once. The check below
 * stays for files someone else deletes.
 */
final class MachineLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private MachineLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file: in /run/lock when writable (tmpfs, per machine), else in the temporary directory. */
  static Path defaultFile(String name) {
    Path runLock = Path.of("/run/lock");
    Path dir = Files.isDirectory(runLock) && Files.isWritable(runLock)
        ? runLock : Path.of(System.getProperty("java.io.tmpdir"));
    return dir.resolve(name);
  }

  /** Waits up to {@code timeout} for the lock, then fails with {@link Reason#BUSY} naming its holder. */
  static MachineLock acquire(Path file, Duration timeout, String holder) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean logged = false;
    while (true) {
      MachineLock acquired = tryAcquire(file, holder);
      if (acquired != null) {
        return acquired;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new ContainerdUnavailableException(Reason.BUSY, "another private containerd holds " + file
            + " (" + describeHolder(file) + ") for longer than " + timeout + "; only one runs per machine");
      }
      if (!logged) {
        System.getLogger(MachineLock.class.getName()).log(System.Logger.Level.INFO,
            "waiting for {0}, held by {1}", file, describeHolder(file));
        logged = true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + file, e);
      }
    }
  }

  private static MachineLock tryAcquire(Path file, String holder) {
    try {
      Object before = fileKey(file);
      if (before == null) {
        Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        before = fileKey(file); // ours, or one another JVM created at the same moment: either will do
        if (before == null) {
          return null;
        }
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        channel.close();
        throw new ContainerdUnavailableException(Reason.BUSY, "this JVM already holds " + file
            + " (" + describeHolder(file) + "): close that containerd first; only one runs per machine");
      }
      if (lock == null) {
        channel.close();
        return null;
      }
      if (!Objects.equals(before, fileKey(file))) {
        // The previous holder deleted the file between our look and our lock: we hold an orphan. Again.
        lock.release();
        channel.close();
        return null;
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      return new MachineLock(file, channel, lock);
    } catch (NoSuchFileException deletedMeanwhile) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String describeHolder(Path file) {
    try {
      String content = Files.readString(file).strip();
      return content.isEmpty() ? "holder unknown" : content;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  Path file() {
    return file;
  }

  /** Empties the file (no holder any more) while still holding the lock, then releases it. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + file, e);
    }
  }
}
