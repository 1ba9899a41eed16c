package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GIT_MERGE_INTO: a Git context at the workspace root. The clone is staged at {@code GIT_ROOT/GIT_LINK} (inside the
 * target, so on its volume) and its entries, {@code .git} included (or those of GIT_SUBPATH), are then renamed into
 * the target. What is already there wins: directories are merged entry by entry, an existing file or link keeps its
 * place and the repository's one is skipped with a log line. Every step is a rename, so a restart finds each entry
 * either here or there and simply carries on; {@link MergeMarker} says how far it got.
 */
final class MergeInto {
  private final Path target;
  private final Path marker;
  private final List<Path> staging;
  private final Path source;
  private final Log log;
  private int moved;
  private int kept;

  MergeInto(Settings settings, Workspace workspace, Log log) {
    this.target = settings.mergeInto();
    Path hidden = settings.root().resolve(PodContract.GIT_HIDDEN_DIR);
    this.marker = hidden.resolve(settings.link() + MergeMarker.SUFFIX);
    // Never merged into: the checkout itself, its link, and the markers, even when the repository has such paths.
    this.staging = List.of(workspace.checkout(), workspace.exposed(), hidden);
    this.source = settings.subpath() == null ? workspace.checkout() : workspace.checkout().resolve(settings.subpath());
    this.log = log;
  }

  Path target() {
    return target;
  }

  /** The marker of an earlier run of the same request, if any. */
  Optional<MergeMarker> state(CloneMarker request) throws IOException {
    if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return MergeMarker.parse(Files.readString(marker, StandardCharsets.UTF_8))
        .filter(m -> m.checkout().sameRequest(request));
  }

  /** Records {@code state} atomically (a restart sees the old state or the new one). */
  void record(MergeMarker state) throws IOException {
    Workspace.createShared(marker.getParent());
    Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
    Files.writeString(tmp, state.format(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, Workspace.FILE);
    Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The real paths of the staged repository and its submodules as they will be after the merge; nothing with a
   * subpath (only files are merged then: the repository stays behind and is removed).
   */
  List<String> safeDirectories(Path checkout, List<Path> submodules) throws IOException {
    if (!source.equals(checkout)) {
      log.info("with a subpath only files are merged into " + target + ": no repository there to trust");
      return List.of();
    }
    Path from = checkout.toRealPath();
    Path to = target.toRealPath();
    List<String> dirs = new ArrayList<>(List.of(to.toString()));
    for (Path sub : submodules) {
      dirs.add(to.resolve(from.relativize(sub.toRealPath())).toString());
    }
    return dirs;
  }

  /** Moves what is left of the staged entries into the target; returns a summary for the log. */
  String mergeStaged() throws IOException {
    moved = 0;
    kept = 0;
    BasicFileAttributes attributes = attributes(source);
    if (attributes == null) {
      return "nothing left to merge into " + target;
    }
    if (attributes.isDirectory()) {
      mergeDirectory(source, target);
    } else {
      moveEntry(source, target.resolve(source.getFileName()));
    }
    return "merged into " + target + ": " + moved + " entries moved, " + kept + " existing paths kept";
  }

  private void mergeDirectory(Path from, Path to) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      entries.forEach(children::add);
    }
    children.sort(null);
    for (Path child : children) {
      moveEntry(child, to.resolve(child.getFileName().toString()));
    }
  }

  private void moveEntry(Path from, Path to) throws IOException {
    if (staging.stream().anyMatch(to::startsWith)) {
      kept++;
      log.info("skipped " + from + ": it would land in git-init's own staging area at " + to);
      return;
    }
    BasicFileAttributes existing = attributes(to);
    if (existing == null) {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + from + " to " + to + ": " + EnvNames.GIT_ROOT + " and "
            + EnvNames.GIT_MERGE_INTO + " must be on the same file system", e);
      }
      moved++;
    } else if (existing.isDirectory() && attributes(from).isDirectory()) {
      mergeDirectory(from, to);
    } else {
      kept++;
      Path name = from.equals(source) ? from.getFileName() : source.relativize(from);
      log.info("kept " + to + " as it was: the repository's " + name + " is not merged");
    }
  }

  /** Removes the staging checkout (and a subpath link) once everything that could move has moved. */
  void removeStaging() throws IOException {
    for (Path p : staging.subList(0, 2)) {
      Workspace.deleteRecursively(p);
    }
  }

  /** The entry's own attributes (a link is not followed), or null when there is none. */
  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
