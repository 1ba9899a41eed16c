package io.kubeopencode.gitinit;

import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

/**
 * Username and password for the repository's own server only: a submodule or a redirect to another host gets none.
 * Answers no question it was not given the answer to, in particular never "skip TLS verification" or "accept this
 * host key".
 */
public final class HostBoundCredentials extends CredentialsProvider {
  /** GitHub, GitLab and Bitbucket accept any user name with a token; this one when only a password is given. */
  static final String DEFAULT_USERNAME = "git";
  private final RepoUrl repo;
  private final String username;
  private final String password;

  public HostBoundCredentials(RepoUrl repo, String username, String password) {
    this.repo = repo;
    this.username = username != null ? username : password != null ? DEFAULT_USERNAME : null;
    this.password = password;
  }

  @Override
  public boolean isInteractive() {
    return false;
  }

  @Override
  public boolean supports(CredentialItem... items) {
    for (CredentialItem item : items) {
      if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
    if (password == null || !repo.sameServer(uri)) {
      return false;
    }
    for (CredentialItem item : items) {
      if (item instanceof CredentialItem.Username u) {
        u.setValue(username);
      } else if (item instanceof CredentialItem.Password p) {
        p.setValue(password.toCharArray());
      } else {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "HostBoundCredentials[" + repo.display() + "]";
  }
}
