package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.paths.Modes;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import io.kubeopencode.contextinit.paths.TargetPath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates directories and files below an allowed root without ever writing outside it. Directories are entered one
 * component at a time and never through a symbolic link that leaves the root (so {@code mkdir -p} cannot create
 * anything outside); files are written to a temporary file in their directory and renamed into place, which
 * replaces a symbolic link at the target instead of writing through it, and leaves no partial file behind.
 */
public final class SafeTree {

  /** Writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path file) throws IOException;
  }

  private final Map<String, Path> realRoots = new HashMap<>();
  private final List<Path> created = new ArrayList<>();

  /** The directory {@code target}, created (mode 0777) where missing; returns its real path inside the root. */
  public Path directory(TargetPath target) {
    Path rootReal = realRoot(target.root());
    Path current = rootReal;
    for (String segment : target.segments()) {
      current = enter(current, segment, rootReal, target.requested());
    }
    return current;
  }

  /** How many directories this tree has created so far; see {@link #removeCreatedSince}. */
  public int createdCount() {
    return created.size();
  }

  /**
   * Removes the directories created since {@code mark} that are still empty, newest first: a skipped download
   * leaves no trace behind.
   */
  public void removeCreatedSince(int mark) {
    for (int i = created.size() - 1; i >= mark; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (IOException notEmptyOrGone) {
        // Something else was written there since: keep it.
      }
      created.remove(i);
    }
  }

  /** The subdirectory {@code name} of {@code dir} (a real directory inside {@code root}), created where missing. */
  public Path subdirectory(Path dir, String name, String root, String shown) {
    return enter(dir, name, realRoot(root), shown);
  }

  /**
   * Writes {@code name} in {@code dir} (a path returned by {@link #directory}) with {@code mode}: the content goes
   * to a temporary file, which then replaces the target atomically. On any failure the temporary file is deleted.
   *
   * @return the file's size
   */
  public long writeFile(Path dir, String name, int mode, Content content, String shown) {
    Path target = dir.resolve(name);
    BasicFileAttributes existing = attributes(target, shown);
    if (existing != null && existing.isDirectory()) {
      throw new Failure(Kind.NOT_A_DIRECTORY, shown + ": " + target + " is a directory, cannot write a file there");
    }
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, ".kubeopencode-", ".part");
      content.writeTo(temp);
      Files.setPosixFilePermissions(temp, Modes.permissions(mode));
      long size = Files.size(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      return size;
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, shown + ": could not write " + target + ": " + describe(e), e);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  private Path realRoot(String root) {
    Path real = realRoots.get(root);
    if (real == null) {
      Path path = Path.of(root);
      if (!Files.isDirectory(path)) {
        throw new Failure(Kind.MISSING_ROOT, "the directory " + root + " does not exist (is it mounted?)");
      }
      try {
        real = path.toRealPath();
      } catch (IOException e) {
        throw new Failure(Kind.IO_ERROR, "could not resolve " + root + ": " + describe(e), e);
      }
      realRoots.put(root, real);
    }
    return real;
  }

  /** One step down: an existing directory, a symbolic link to one inside the root, or a new directory. */
  private Path enter(Path dir, String name, Path rootReal, String shown) {
    Path next = dir.resolve(name);
    BasicFileAttributes attributes = attributes(next, shown);
    if (attributes == null) {
      try {
        Files.createDirectory(next);
        created.add(next);
        Files.setPosixFilePermissions(next, Modes.permissions(Modes.DIRECTORY));
        return next;
      } catch (FileAlreadyExistsException raced) {
        attributes = attributes(next, shown);
      } catch (IOException e) {
        throw new Failure(Kind.IO_ERROR, shown + ": could not create directory " + next + ": " + describe(e), e);
      }
    }
    if (attributes.isSymbolicLink()) {
      Path real;
      try {
        real = next.toRealPath();
      } catch (NoSuchFileException e) {
        throw new PathRefused(Reason.DANGLING_SYMLINK, "target", shown, " (" + next + ")");
      } catch (IOException e) {
        throw new Failure(Kind.IO_ERROR, shown + ": could not resolve " + next + ": " + describe(e), e);
      }
      if (!real.startsWith(rootReal)) {
        throw new PathRefused(Reason.SYMLINK_ESCAPE, "target", shown, " (" + next + " -> " + real + ")");
      }
      if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new Failure(Kind.NOT_A_DIRECTORY, shown + ": " + next + " is not a directory");
      }
      return real;
    }
    if (!attributes.isDirectory()) {
      throw new Failure(Kind.NOT_A_DIRECTORY, shown + ": " + next + " exists and is not a directory");
    }
    return next;
  }

  /** The entry's own attributes (a link is not followed), or null if there is none. */
  private static BasicFileAttributes attributes(Path path, String shown) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, shown + ": could not read " + path + ": " + describe(e), e);
    }
  }

  static String describe(IOException e) {
    String message = e.getMessage();
    String name = e.getClass().getSimpleName();
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + " (" + name + ")";
    }
    return message == null ? name : message + " (" + name + ")";
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Best effort: the original error is what matters.
    }
  }
}
