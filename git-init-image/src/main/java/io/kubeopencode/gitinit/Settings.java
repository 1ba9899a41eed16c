package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.ProxyEnv;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one git-init run needs, parsed and checked from the environment by {@link SettingsParser}.
 *
 * @param ref branch, tag, {@code refs/...} name or full commit SHA; null = the remote's HEAD
 * @param depth commits of history to fetch; 0 = all
 * @param subpath directory or file of the repository exposed at {@code root/link}; null = the whole checkout
 * @param safeDirectoryConfig the git config file listing the checkouts as {@code safe.directory}
 * @param proxy HTTP(S)_PROXY and NO_PROXY
 * @param exposedAt where the agent sees {@code root/link} (GIT_EXPOSED_AT), or null: the same path
 * @param mergeInto the directory the checkout's entries are moved into (GIT_MERGE_INTO), or null
 */
public record Settings(RepoUrl repo, String ref, int depth, Path root, String link, String subpath,
    boolean recurseSubmodules, Credentials credentials, RetryPolicy retry, Path customCa, Path terminationLog,
    Path safeDirectoryConfig, ProxyEnv proxy, Path exposedAt, Path mergeInto) {

  /** What the user asked for, as shown in logs: "main", "v1.2", a SHA or "HEAD". */
  public String refLabel() {
    return ref == null ? "HEAD" : ref;
  }

  /** Username, password and SSH material; {@link #toString} never shows a value. */
  public record Credentials(String username, String password, SecretSource sshKey, SecretSource knownHosts) {
    @Override
    public String toString() {
      return "Credentials[username=" + (username != null ? "set" : "unset") + ", password="
          + (password != null ? "set" : "unset") + ", sshKey=" + (sshKey != null ? "set" : "unset")
          + ", knownHosts=" + (knownHosts != null ? "set" : "unset") + "]";
    }
  }

  /** Retries after the first attempt, waiting {@code delay}, then twice as long each time (at most 5 minutes). */
  public record RetryPolicy(int retries, Duration delay) {
    static final Duration MAX_DELAY = Duration.ofMinutes(5);

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
      Duration d = delay;
      for (int i = 1; i < retry && d.compareTo(MAX_DELAY) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }
  }
}
