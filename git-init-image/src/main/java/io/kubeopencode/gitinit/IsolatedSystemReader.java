package io.kubeopencode.gitinit;

import java.io.File;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps the container's ~/.gitconfig, /etc/gitconfig and JGit's own config file out of the clone: the result depends
 * on the environment variables only. It also spares JGit from running {@code git} to locate the system config, and
 * from writing ~/.config/jgit in a home that may be read-only.
 *
 * <p>The user config answers JGit's file-system questions itself: otherwise JGit spends about 3 s per start measuring
 * timestamp granularity, a result it normally caches in ~/.config/jgit, which a container never keeps. Linux stamps
 * files from the coarse kernel clock (one tick: 1 to 10 ms), so 10 ms is a safe upper bound; files written within it
 * of the index are only re-checked by the next {@code git status}.
 */
final class IsolatedSystemReader extends SystemReader.Delegate {
  IsolatedSystemReader(SystemReader delegate) {
    super(delegate);
  }

  static void install() {
    SystemReader.setInstance(new IsolatedSystemReader(SystemReader.getInstance()));
  }

  static final long FS_TIMESTAMP_RESOLUTION_MS = 10;

  @Override
  public FileBasedConfig openUserConfig(Config parent, FS fs) {
    return new InMemoryConfig(parent, fs) {
      @Override
      public long getTimeUnit(String section, String subsection, String name, long defaultValue, TimeUnit unit) {
        if (ConfigConstants.CONFIG_FILESYSTEM_SECTION.equals(section) && subsection != null
            && (ConfigConstants.CONFIG_KEY_TIMESTAMP_RESOLUTION.equalsIgnoreCase(name)
                || ConfigConstants.CONFIG_KEY_MIN_RACY_THRESHOLD.equalsIgnoreCase(name))) {
          return unit.convert(FS_TIMESTAMP_RESOLUTION_MS, TimeUnit.MILLISECONDS);
        }
        return super.getTimeUnit(section, subsection, name, defaultValue, unit);
      }
    };
  }

  @Override
  public FileBasedConfig openSystemConfig(Config parent, FS fs) {
    return new InMemoryConfig(parent, fs);
  }

  @Override
  public FileBasedConfig openJGitConfig(Config parent, FS fs) {
    return new InMemoryConfig(parent, fs);
  }

  /** Starts empty, never reads or writes a file. */
  private static class InMemoryConfig extends FileBasedConfig {
    InMemoryConfig(Config parent, FS fs) {
      // A path that cannot exist: should anything try to write this config, it fails instead of clobbering a file.
      super(parent, new File("/nonexistent/git-init/in-memory-config"), fs);
    }

    @Override
    public void load() {
      // nothing to read
    }

    @Override
    public void save() {
      // nothing to write
    }

    @Override
    public boolean isOutdated() {
      return false;
    }
  }
}
