package io.kubeopencode.gitinit;

import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.jgit.transport.URIish;

/**
 * GIT_REPO, split into the address that may be written and logged ({@link #safe}: never a password, and for http(s)
 * no user either) and the credentials the URL itself carried ({@code https://user:token@host/...}), which the
 * credentials provider hands out instead.
 */
public record RepoUrl(URIish safe, Scheme scheme, String urlUser, String urlPassword) {

  public enum Scheme { HTTPS, HTTP, SSH, GIT, FILE }

  public static RepoUrl parse(String value) {
    String trimmed = value.trim();
    URIish uri;
    try {
      uri = new URIish(trimmed);
    } catch (URISyntaxException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_REPO + " is not a valid Git URL");
    }
    Scheme scheme = scheme(uri);
    if (scheme == Scheme.FILE && !uri.getPath().startsWith("/")) {
      throw new GitInitException(Failure.CONFIG,
          EnvNames.GIT_REPO + " must be a URL (https, http, ssh, git, file) or an absolute path");
    }
    if (scheme != Scheme.FILE && (uri.getHost() == null || uri.getHost().isEmpty())) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_REPO + " has no host");
    }
    boolean http = scheme == Scheme.HTTPS || scheme == Scheme.HTTP;
    String user = http ? uri.getUser() : null;
    String password = uri.getPass();
    URIish safe = uri.setPass(null);
    if (http) {
      safe = safe.setUser(null);
    }
    return new RepoUrl(safe, scheme, emptyToNull(user), emptyToNull(password));
  }

  private static Scheme scheme(URIish uri) {
    String s = uri.getScheme();
    if (s == null) {
      // scp-like "git@host:org/repo.git" has a host; a bare path has none.
      return uri.getHost() != null ? Scheme.SSH : Scheme.FILE;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "https" -> Scheme.HTTPS;
      case "http" -> Scheme.HTTP;
      case "ssh", "git+ssh", "ssh+git" -> Scheme.SSH;
      case "git" -> Scheme.GIT;
      case "file" -> Scheme.FILE;
      default -> throw new GitInitException(Failure.CONFIG, EnvNames.GIT_REPO + ": unsupported scheme '" + s
          + "' (use https, http, ssh, git or file)");
    };
  }

  /** The URL for logs, messages and {@code .git/config}. */
  public String display() {
    return safe.toString();
  }

  /**
   * Whether {@code other} is on the same host (and port, when both name one): credentials go to that server only, never
   * to a submodule or redirect elsewhere.
   */
  public boolean sameServer(URIish other) {
    if (other == null || other.getHost() == null || safe.getHost() == null) {
      return false;
    }
    boolean portsAgree = safe.getPort() <= 0 || other.getPort() <= 0 || safe.getPort() == other.getPort();
    return safe.getHost().equalsIgnoreCase(other.getHost()) && portsAgree;
  }

  @Override
  public String toString() {
    return display();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
