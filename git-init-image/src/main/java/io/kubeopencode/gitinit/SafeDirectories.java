package io.kubeopencode.gitinit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;

/**
 * The git config the agent container includes so that its git, running as another user, trusts the checkouts:
 * {@code safe.directory} entries for each repository and submodule, added to what earlier git-init containers of the
 * pod wrote.
 */
public final class SafeDirectories {
  static final String HEADER = "# Written by KubeOpenCode git-init: the repositories it cloned, trusted by git in the"
      + " agent container\n# (which may run as another user). Include it, e.g. GIT_CONFIG_COUNT=1"
      + " GIT_CONFIG_KEY_0=include.path GIT_CONFIG_VALUE_0=<this file>.\n";

  private SafeDirectories() {}

  /** {@code existing} plus {@code directories}, each once, in order; unreadable existing content is replaced. */
  public static String merge(String existing, List<String> directories) {
    Config config = new Config();
    if (existing != null) {
      try {
        config.fromText(existing);
      } catch (ConfigInvalidException e) {
        config = new Config();
      }
    }
    Set<String> all = new LinkedHashSet<>(List.of(config.getStringList("safe", null, "directory")));
    all.addAll(directories);
    Config out = new Config();
    out.setStringList("safe", null, "directory", List.copyOf(all));
    return HEADER + out.toText();
  }
}
