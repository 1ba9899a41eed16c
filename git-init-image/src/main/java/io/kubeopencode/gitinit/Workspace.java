package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the checkout goes and how it is left for the agent. Without a subpath the repository is checked out at
 * {@code GIT_ROOT/GIT_LINK}; with one, it is checked out at {@code GIT_ROOT/.kubeopencode-git/GIT_LINK} and
 * {@code GIT_ROOT/GIT_LINK} is a relative symlink to the subdirectory (git still works inside it).
 *
 * <p>The agent container may run as another user, and pods set no fsGroup: every directory is made rwx and every
 * file rw for all (executables keep x). The volume is the pod's own, so "all" means the pod's containers.
 */
final class Workspace {
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxrwxrwx");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-rw-rw-");
  static final Set<PosixFilePermission> EXECUTABLE = DIR;

  private final Path root;
  private final String link;
  private final String subpath;
  private final Path exposedAt;
  private final Log log;

  Workspace(Settings settings, Log log) {
    this.root = settings.root();
    this.link = settings.link();
    this.subpath = settings.subpath();
    this.exposedAt = settings.exposedAt();
    this.log = log;
  }

  Path exposed() {
    return root.resolve(link);
  }

  Path checkout() {
    return subpath == null ? exposed() : root.resolve(PodContract.GIT_HIDDEN_DIR).resolve(link);
  }

  private Path markerFile() {
    return checkout().resolve(".git").resolve(CloneMarker.FILE_NAME);
  }

  /** The marker of a complete clone of the same request left by an earlier run in this pod, if any. */
  Optional<CloneMarker> reusable(CloneMarker request) {
    Path marker = markerFile();
    if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return CloneMarker.parse(Files.readString(marker, StandardCharsets.UTF_8)).filter(request::sameRequest);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Creates GIT_ROOT if needed and removes what an interrupted or different earlier run left at the target. */
  void prepareEmpty() throws IOException {
    createShared(root);
    if (subpath != null) {
      createShared(root.resolve(PodContract.GIT_HIDDEN_DIR));
    }
    for (Path p : subpath == null ? List.of(exposed()) : List.of(exposed(), checkout())) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        log.info("replacing incomplete or different checkout at " + p);
        deleteRecursively(p);
      }
    }
  }

  /** Between attempts: an attempt always starts from an empty directory. */
  void resetCheckout() throws IOException {
    deleteRecursively(checkout());
  }

  /** Shares the files with the agent, writes the completion marker last, then exposes the subpath. */
  void complete(CloneMarker marker) throws IOException {
    shareTree(checkout());
    Path file = markerFile();
    Path tmp = file.resolveSibling(CloneMarker.FILE_NAME + ".tmp");
    Files.writeString(tmp, marker.format(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, FILE);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    expose();
  }

  /** With a subpath: (re)points GIT_ROOT/GIT_LINK at it, relative so it holds wherever the volume is mounted. */
  void expose() throws IOException {
    if (subpath == null) {
      return;
    }
    Path target = root.relativize(checkout().resolve(subpath));
    Path linkPath = exposed();
    if (Files.isSymbolicLink(linkPath) && Files.readSymbolicLink(linkPath).equals(target)) {
      return;
    }
    if (Files.exists(linkPath, LinkOption.NOFOLLOW_LINKS)) {
      deleteRecursively(linkPath);
    }
    Files.createSymbolicLink(linkPath, target);
  }

  /**
   * The directories git in the agent must trust: the repository and each submodule, as the agent sees them. That is
   * their real path here, or with GIT_EXPOSED_AT the same path under it in place of what {@code root/link} resolves
   * to. A repository the agent does not see (the one around a subpath mounted elsewhere) gets no entry.
   */
  List<String> safeDirectories(List<Path> submodules) throws IOException {
    List<Path> repositories = new ArrayList<>();
    repositories.add(checkout().toRealPath());
    for (Path p : submodules) {
      repositories.add(p.toRealPath());
    }
    Path seen = exposedAt == null ? null : exposed().toRealPath();
    List<String> dirs = new ArrayList<>();
    for (Path repository : repositories) {
      if (seen == null) {
        dirs.add(repository.toString());
      } else if (repository.startsWith(seen)) {
        dirs.add(exposedAt.resolve(seen.relativize(repository)).toString());
      } else {
        log.info("the agent sees only " + seen + " at " + exposedAt + ", not the repository at " + repository
            + ": no safe.directory entry for it");
      }
    }
    return dirs;
  }

  /** Adds the directories to the shared git config file, atomically (init containers run one after the other). */
  static void writeSafeDirectories(Path file, List<String> dirs) throws IOException {
    createShared(file.getParent());
    String existing = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, SafeDirectories.merge(existing, dirs), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, FILE);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Creates the missing directories of {@code dir}, each writable by all; existing ones are left as they are. */
  static void createShared(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing.addFirst(p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        continue;
      }
      Files.setPosixFilePermissions(p, DIR);
    }
  }

  static void shareTree(Path top) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.setPosixFilePermissions(dir, DIR);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          boolean executable = Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
          Files.setPosixFilePermissions(file, executable ? EXECUTABLE : FILE);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Deletes a tree without following symlinks; a missing path is fine. */
  static void deleteRecursively(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(top);
      return;
    }
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
