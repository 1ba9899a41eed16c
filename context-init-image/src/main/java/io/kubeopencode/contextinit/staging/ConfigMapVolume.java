package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Task's context ConfigMap as the kubelet mounts it: each visible name is a symbolic link into {@code ..data},
 * itself a link to a timestamped directory ({@code ..2024_01_01_00_00_00.123}). Visible links are followed, the
 * {@code ..} internals are never listed, and whatever a link leads to must stay inside the volume.
 */
public final class ConfigMapVolume {

  /** A visible entry of a volume directory, links followed. */
  public record Entry(String name, Path real, boolean directory) {}

  private final Path mount;
  private Path mountReal;

  public ConfigMapVolume(Path mount) {
    this.mount = mount;
  }

  public Path mount() {
    return mount;
  }

  /** The file holding key {@code key} (a valid ConfigMap key, so a plain file name). */
  public Path key(String key, String shown) {
    Path path = mount.resolve(key);
    if (!Files.exists(path)) {
      if (!Files.isDirectory(mount)) {
        throw missingVolume();
      }
      throw new Failure(Kind.MISSING_KEY, "key '" + key + "' (for " + shown + ") is not in the context ConfigMap "
          + "mounted at " + mount);
    }
    Path real = inside(path, shown);
    if (!Files.isRegularFile(real)) {
      throw new Failure(Kind.MISSING_KEY, "key '" + key + "' (for " + shown + ") is not a file in " + mount);
    }
    return real;
  }

  /** The directory at {@code segments} below the mount, or empty if there is none (a ConfigMap without keys). */
  public Optional<Path> directory(List<String> segments, String shown) {
    if (!Files.isDirectory(mount)) {
      throw missingVolume();
    }
    Path path = mount;
    for (String s : segments) {
      path = path.resolve(s);
    }
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    Path real = inside(path, shown);
    if (!Files.isDirectory(real)) {
      throw new Failure(Kind.NOT_A_DIRECTORY, shown + ": " + path + " is not a directory in the ConfigMap volume");
    }
    return Optional.of(real);
  }

  /** The visible entries of {@code dir} (a real directory inside the volume), sorted by name. */
  public List<Entry> entries(Path dir, String shown) {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        String name = child.getFileName().toString();
        if (name.startsWith("..")) {
          continue; // the atomic writer's ..data and ..<timestamp>
        }
        Path real = inside(child, shown);
        out.add(new Entry(name, real, Files.isDirectory(real)));
      }
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, shown + ": could not list " + dir + ": " + SafeTree.describe(e), e);
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  /** The real path of {@code path}, which must lie inside the volume. */
  private Path inside(Path path, String shown) {
    Path real;
    try {
      real = path.toRealPath();
      if (mountReal == null) {
        mountReal = mount.toRealPath();
      }
    } catch (NoSuchFileException e) {
      throw new PathRefused(Reason.DANGLING_SYMLINK, "source", path.toString(), " (for " + shown + ")");
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, shown + ": could not resolve " + path + ": " + SafeTree.describe(e), e);
    }
    if (!real.startsWith(mountReal)) {
      throw new PathRefused(Reason.OUTSIDE_VOLUME, "source", path.toString(), " (it leads to " + real + ")");
    }
    return real;
  }

  private Failure missingVolume() {
    return new Failure(Kind.MISSING_VOLUME, "the context ConfigMap is not mounted at " + mount
        + " (CONFIGMAP_PATH)");
  }
}
