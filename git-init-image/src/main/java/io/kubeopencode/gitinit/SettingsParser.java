package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.PodContract;
import io.kubeopencode.podcontract.ProxyEnv;
import io.kubeopencode.podcontract.ProxyEnvException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** Turns the environment into {@link Settings}; every bad value is a {@link Failure#CONFIG} naming the variable. */
public final class SettingsParser {
  static final String DEFAULT_ROOT = "/git";
  static final String DEFAULT_LINK = "repo";
  static final int DEFAULT_DEPTH = 1;
  static final int DEFAULT_RETRIES = 3;
  static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(5);
  static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

  private SettingsParser() {}

  public static Settings parse(Map<String, String> env) {
    String repoValue = value(env, EnvNames.GIT_REPO);
    if (repoValue == null) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_REPO + " is required");
    }
    RepoUrl repo = RepoUrl.parse(repoValue);
    String ref = ref(value(env, EnvNames.GIT_REF));
    int depth = wholeNumber(env, EnvNames.GIT_DEPTH, DEFAULT_DEPTH, "(0 = full history)");
    Path root = absolutePath(env, EnvNames.GIT_ROOT, DEFAULT_ROOT);
    String link = link(value(env, EnvNames.GIT_LINK));
    String subpath = subpath(value(env, EnvNames.GIT_SUBPATH));
    boolean submodules = bool(env, EnvNames.GIT_RECURSE_SUBMODULES);

    String username = value(env, EnvNames.GIT_USERNAME);
    String password = rawValue(env, EnvNames.GIT_PASSWORD);
    if (username == null) {
      username = repo.urlUser();
    }
    if (password == null) {
      password = repo.urlPassword();
    }
    String key = rawValue(env, EnvNames.GIT_SSH_KEY);
    String knownHosts = rawValue(env, EnvNames.GIT_SSH_KNOWN_HOSTS);
    Settings.Credentials credentials = new Settings.Credentials(username, password,
        key == null ? null : SecretSource.of(key, "-----BEGIN"),
        knownHosts == null ? null : SecretSource.of(knownHosts, " "));

    int retries = wholeNumber(env, EnvNames.GIT_CLONE_RETRIES, DEFAULT_RETRIES, "");
    Duration delay = duration(env, EnvNames.GIT_CLONE_RETRY_DELAY, DEFAULT_RETRY_DELAY);
    Path customCa = optionalPath(env, EnvNames.CUSTOM_CA_CERT_PATH);
    Path terminationLog = Path.of(orDefault(value(env, EnvNames.GIT_TERMINATION_LOG), DEFAULT_TERMINATION_LOG));
    String workspace = value(env, EnvNames.WORKSPACE_DIR);
    Path configHome = workspace != null && Path.of(workspace).isAbsolute() ? Path.of(workspace) : root;
    return new Settings(repo, ref, depth, root, link, subpath, submodules, credentials,
        new Settings.RetryPolicy(retries, delay), customCa, terminationLog,
        configHome.resolve(PodContract.GIT_SHARED_CONFIG), proxy(env), optionalPath(env, EnvNames.GIT_EXPOSED_AT),
        mergeInto(env, root.resolve(link)));
  }

  /** GIT_MERGE_INTO must contain the staging checkout: the merge renames entries, which needs one file system. */
  private static Path mergeInto(Map<String, String> env, Path staging) {
    Path target = optionalPath(env, EnvNames.GIT_MERGE_INTO);
    if (target == null) {
      return null;
    }
    if (value(env, EnvNames.GIT_EXPOSED_AT) != null) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_MERGE_INTO + " and " + EnvNames.GIT_EXPOSED_AT
          + " cannot both be set: a merged clone is where the agent sees it");
    }
    if (!staging.startsWith(target) || staging.equals(target)) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_MERGE_INTO + " '" + target + "' must contain "
          + EnvNames.GIT_ROOT + "/" + EnvNames.GIT_LINK + " ('" + staging + "'), where the clone is staged before"
          + " it is moved on the same volume");
    }
    return target;
  }

  private static ProxyEnv proxy(Map<String, String> env) {
    try {
      return ProxyEnv.parse(env);
    } catch (ProxyEnvException e) {
      throw new GitInitException(Failure.CONFIG, e.getMessage());
    }
  }

  /** The value of the one optional argument: a role name, which must be git-init. */
  public static void checkArguments(List<String> args) {
    if (args.isEmpty() || (args.size() == 1 && args.getFirst().equals("git-init"))) {
      return;
    }
    throw new GitInitException(Failure.CONFIG,
        "unexpected arguments " + args + ": git-init takes no argument but an optional role name 'git-init'");
  }

  private static String ref(String value) {
    if (value == null || value.equals("HEAD")) {
      return null;
    }
    if (ObjectId.isId(value.toLowerCase(Locale.ROOT))) {
      return value.toLowerCase(Locale.ROOT);
    }
    String full = value.startsWith("refs/") ? value : "refs/heads/" + value;
    if (!Repository.isValidRefName(full)) {
      throw new GitInitException(Failure.CONFIG,
          EnvNames.GIT_REF + " '" + value + "' is not a valid branch, tag or full commit SHA");
    }
    return value;
  }

  private static String link(String value) {
    String link = orDefault(value, DEFAULT_LINK);
    if (link.contains("/") || link.equals(".") || link.equals("..") || link.equals(PodContract.GIT_HIDDEN_DIR)
        || link.contains("\0")) {
      throw new GitInitException(Failure.CONFIG,
          EnvNames.GIT_LINK + " '" + link + "' must be a single directory name");
    }
    return link;
  }

  /** A relative path (directory or file) of the repository, normalised: no "." or ".." segments, no ".git". */
  static String subpath(String value) {
    if (value == null) {
      return null;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : value.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..") || segment.equals(".git") || segment.contains("\0")) {
        throw new GitInitException(Failure.CONFIG, EnvNames.GIT_SUBPATH + " '" + value
            + "' must be a path inside the repository (no '.', '..' or '.git')");
      }
      segments.add(segment);
    }
    return segments.isEmpty() ? null : String.join("/", segments);
  }

  private static boolean bool(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      return false;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new GitInitException(Failure.CONFIG, name + " must be 'true' or 'false', got '" + v + "'");
    };
  }

  private static int wholeNumber(Map<String, String> env, String name, int fallback, String hint) {
    String v = value(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GitInitException(Failure.CONFIG,
        (name + " must be a whole number >= 0 " + hint).strip() + ", got '" + v + "'");
  }

  /** "5" (seconds), "5s", "500ms" or "2m". */
  static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String v = value(env, name);
    if (v == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new GitInitException(Failure.CONFIG,
          name + " must be a duration such as 5s, 500ms or 1m, got '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** An absolute path, or null when the variable is unset or blank. */
  private static Path optionalPath(Map<String, String> env, String name) {
    return value(env, name) == null ? null : absolutePath(env, name, null);
  }

  private static Path absolutePath(Map<String, String> env, String name, String fallback) {
    String v = orDefault(value(env, name), fallback);
    try {
      Path p = Path.of(v);
      if (p.isAbsolute()) {
        return p.normalize();
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    throw new GitInitException(Failure.CONFIG, name + " must be an absolute path, got '" + v + "'");
  }

  /** Trimmed; empty counts as unset (an optional Secret key may yield an empty variable). */
  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /**
   * Secrets keep their bytes (a password may end in a space) but not a trailing line break, which files turned into
   * Secrets usually carry; empty still counts as unset.
   */
  private static String rawValue(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null) {
      return null;
    }
    int end = v.length();
    while (end > 0 && (v.charAt(end - 1) == '\n' || v.charAt(end - 1) == '\r')) {
      end--;
    }
    return end == 0 ? null : v.substring(0, end);
  }

  private static String orDefault(String value, String fallback) {
    return value != null ? value : fallback;
  }
}
