package io.kubeopencode.gitinit;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.RemoteRepositoryException;
import org.eclipse.jgit.internal.JGitText;

/**
 * Turns what JGit and sshd throw into a {@link Failure} and a one-line message naming the repository (never its
 * credentials), and says which failures are worth a retry: network trouble only, never a refused login or a missing
 * ref, which a retry cannot fix.
 */
public final class FailureClassifier {
  /** HTTP statuses a proxy or an overloaded server returns for a moment: JGit reports them as "&lt;uri&gt;: 503 ...". */
  private static final Pattern TRANSIENT_HTTP = Pattern.compile(".*: (429|500|502|503|504) .*", Pattern.DOTALL);
  private final RepoUrl repo;
  private final boolean knownHostsGiven;
  private final TransportEvents events;
  /** A proxy answers 407 when it refuses the credentials, also to CONNECT ("Unable to tunnel ... 407 ..."). */
  private static final Pattern PROXY_AUTH = Pattern.compile("(?s).*\\b407\\b.*Proxy Authentication Required.*");
  private final Redactor redactor;
  private final String through;

  /** @param proxy the proxy the repository is reached through ({@code http://host:port}), or null */
  public FailureClassifier(RepoUrl repo, boolean knownHostsGiven, TransportEvents events, Redactor redactor,
      String proxy) {
    this.repo = repo;
    this.knownHostsGiven = knownHostsGiven;
    this.events = events;
    this.redactor = redactor;
    this.through = proxy == null ? "" : " (through the proxy " + proxy + ")";
  }

  public boolean isTransient(Throwable t) {
    if (t instanceof GitInitException g) {
      return g.failure() == Failure.NETWORK;
    }
    return classify(t).failure() == Failure.NETWORK;
  }

  public GitInitException classify(Throwable t) {
    if (t instanceof GitInitException g) {
      return g;
    }
    String url = repo.display();
    String host = events.rejectedHostKey();
    if (host != null || hasSshDisconnect(t, SshConstants.SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE)) {
      String where = host != null ? host : url;
      return new GitInitException(Failure.HOST_KEY_NOT_TRUSTED, "ssh host key not trusted for " + where
          + (knownHostsGiven ? ": it is not in " : ": set ") + EnvNames.GIT_SSH_KNOWN_HOSTS, t);
    }
    if (find(t, CertificateException.class) != null) {
      return new GitInitException(Failure.TLS, "TLS certificate not trusted for " + url + " (give its CA in "
          + EnvNames.CUSTOM_CA_CERT_PATH + ")", t);
    }
    if (find(t, SSLException.class) != null) {
      return new GitInitException(Failure.TLS, "TLS connection to " + url + " failed: "
          + reason(find(t, SSLException.class)), t);
    }
    if (find(t, NoRemoteRepositoryException.class) != null || missingRepository(t)) {
      return new GitInitException(Failure.REPO_NOT_FOUND, "repository not found: " + url, t);
    }
    if (anyMessageMatches(t, PROXY_AUTH)) {
      return new GitInitException(Failure.AUTH, "proxy authentication failed for " + url + through, t);
    }
    if (hasSshDisconnect(t, SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE)
        || anyMessageEndsWith(t, JGitText.get().notAuthorized)
        || anyMessageEndsWith(t, JGitText.get().noCredentialsProvider)
        || anyMessageContains(t, "SSH authentication canceled")) {
      return new GitInitException(Failure.AUTH, "authentication failed for " + url, t);
    }
    if (anyMessageContains(t, " not permitted on '")) {
      return new GitInitException(Failure.AUTH, "access denied for " + url, t);
    }
    Throwable network = networkCause(t);
    if (network != null) {
      return new GitInitException(Failure.NETWORK, "cannot reach " + url + ": " + networkReason(network) + through,
          t);
    }
    if (t.getMessage() != null && TRANSIENT_HTTP.matcher(t.getMessage()).matches()) {
      return new GitInitException(Failure.NETWORK, "server error from " + url + ": " + reason(t) + through, t);
    }
    return new GitInitException(Failure.INTERNAL, "clone of " + url + " failed: " + reason(t), t);
  }

  /** git daemon and some servers answer "ERR no such repository" rather than a typed error. */
  private static boolean missingRepository(Throwable t) {
    RemoteRepositoryException remote = find(t, RemoteRepositoryException.class);
    if (remote == null || remote.getMessage() == null) {
      return false;
    }
    String m = remote.getMessage().toLowerCase(Locale.ROOT);
    return m.contains("no such repository") || m.contains("not exported") || m.contains("repository not found")
        || m.contains("does not appear to be a git repository");
  }

  private static Throwable networkCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof UnknownHostException
          || c instanceof InterruptedIOException || c instanceof EOFException || c instanceof SocketException) {
        return c;
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && (m.endsWith(JGitText.get().connectionFailed)
          || m.endsWith(JGitText.get().remoteHungUpUnexpectedly)
          || m.contains("Connection refused") || m.contains("Connection reset"))) {
        return c;
      }
    }
    return null;
  }

  private static String networkReason(Throwable t) {
    String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (t instanceof ConnectException || text.contains("connection refused")) {
      return "connection refused";
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    if (t instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (t instanceof InterruptedIOException) {
      return "timed out";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : lastPart(m);
  }

  /** The exception's own words, without JGit's "uri: " prefix, redacted. */
  private String reason(Throwable t) {
    Throwable deepest = t;
    String message = t.getMessage();
    for (Throwable c = t.getCause(); c != null && message == null; c = c.getCause()) {
      message = c.getMessage();
      deepest = c;
    }
    return redactor.redact(message == null ? deepest.getClass().getSimpleName() : lastPart(message));
  }

  private static String lastPart(String message) {
    String m = message.strip();
    int uriEnd = m.indexOf(": ");
    if (uriEnd > 0 && m.substring(0, uriEnd).contains("://")) {
      m = m.substring(uriEnd + 2);
    }
    return m;
  }

  private static boolean hasSshDisconnect(Throwable t, int code) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SshException s && s.getDisconnectCode() == code) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyMessageEndsWith(Throwable t, String suffix) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().strip().endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyMessageMatches(Throwable t, Pattern pattern) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && pattern.matcher(c.getMessage()).matches()) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyMessageContains(Throwable t, String part) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
