package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.ProxyEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run: reuse a complete clone of the same request if the pod has one, otherwise clone (retrying on network
 * errors only), share the files with the agent and record the checkout as trusted for the agent's git.
 */
public final class GitInit {
  private final Settings settings;
  private final Log log;
  private final Retrier.Sleeper sleeper;
  private final Clock clock;

  public GitInit(Settings settings, Log log, Retrier.Sleeper sleeper, Clock clock) {
    this.settings = settings;
    this.log = log;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  public void run() {
    Instant start = clock.instant();
    Workspace workspace = new Workspace(settings, log);
    CloneMarker request = CloneMarker.requestOf(settings);
    log.info("cloning " + settings.repo().display() + " (" + settings.refLabel() + ", "
        + (settings.depth() == 0 ? "full history" : "depth " + settings.depth()) + ") into " + workspace.exposed()
        + (settings.subpath() == null ? "" : " (subpath " + settings.subpath() + ")"));
    Optional<CloneMarker> existing = workspace.reusable(request);
    List<Path> submodules;
    String commit;
    if (existing.isPresent()) {
      commit = existing.get().commit();
      log.info("reusing the complete checkout at " + workspace.checkout() + " (commit " + commit + ")");
      io(workspace::expose);
      submodules = List.of();
    } else {
      io(workspace::prepareEmpty);
      CloneResult result = cloneOrCleanUp(workspace);
      Instant shareStart = clock.instant();
      io(() -> workspace.complete(request.withCommit(result.commit())));
      log.info("shared the files with the agent's user in " + Duration.between(shareStart, clock.instant()).toMillis()
          + " ms");
      submodules = result.submodules();
      commit = result.commit();
    }
    trustForAgent(workspace, submodules);
    log.info("done in " + Duration.between(start, clock.instant()).toMillis() + " ms: " + workspace.exposed()
        + " at " + commit);
  }

  /** A failed clone leaves nothing behind (a later run would replace it anyway: it has no marker). */
  private CloneResult cloneOrCleanUp(Workspace workspace) {
    try {
      return cloneWithRetries(workspace);
    } catch (GitInitException e) {
      removePartial(workspace);
      throw e;
    }
  }

  private void removePartial(Workspace workspace) {
    try {
      Workspace.deleteRecursively(workspace.checkout());
    } catch (IOException e) {
      log.warn("cannot remove the partial checkout at " + workspace.checkout() + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("try") // the ssh setup is only held open (and closed) around the attempts
  private CloneResult cloneWithRetries(Workspace workspace) {
    TransportEvents events = new TransportEvents();
    FailureClassifier classifier = new FailureClassifier(settings.repo(), settings.credentials().knownHosts() != null,
        events, redactor(settings), proxyForRepo());
    if (settings.customCa() != null) {
      int n = CustomCa.install(settings.customCa());
      log.info("trusting " + n + " CA certificate(s) from " + settings.customCa());
    }
    if (settings.proxy().configured()) {
      // JGit's http transport asks ProxySelector.getDefault(), and HttpURLConnection the default Authenticator.
      settings.proxy().installAsDefaults();
      log.info(settings.proxy().describe());
    }
    HostBoundCredentials credentials = new HostBoundCredentials(settings.repo(), settings.credentials().username(),
        settings.credentials().password());
    Cloner cloner = new Cloner(settings, credentials, classifier, log, clock);
    Retrier retrier = new Retrier(settings.retry(), sleeper);
    // sshd is loaded only when ssh can be needed: the repository's own URL, or submodules (which may use ssh).
    boolean ssh = settings.repo().scheme() == RepoUrl.Scheme.SSH || settings.recurseSubmodules();
    try (SshSetup ignored = ssh ? SshSetup.install(settings.credentials(), events) : null) {
      return retrier.run(attempt -> {
        events.reset();
        if (attempt > 1) {
          workspace.resetCheckout();
        }
        return cloner.cloneInto(workspace.checkout());
      }, classifier::isTransient, (attempt, failure, wait) -> log.warn("attempt " + attempt + " of "
          + retrier.maxAttempts() + " failed: " + classifier.classify(failure).getMessage() + "; retrying in "
          + wait.toMillis() + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitInitException(Failure.INTERNAL, "interrupted");
    } catch (Exception e) {
      GitInitException failure = classifier.classify(e);
      if (failure.failure() == Failure.NETWORK && retrier.maxAttempts() > 1) {
        throw new GitInitException(Failure.NETWORK, failure.getMessage() + " (after " + retrier.maxAttempts()
            + " attempts)", e);
      }
      throw failure;
    }
  }

  /** The proxy the repository's own URL goes through, as {@code http://host:port}, or null. */
  private String proxyForRepo() {
    RepoUrl.Scheme scheme = settings.repo().scheme();
    if (scheme != RepoUrl.Scheme.HTTP && scheme != RepoUrl.Scheme.HTTPS) {
      return null;
    }
    return settings.proxy().proxyFor(java.net.URI.create(settings.repo().display())).map(ProxyEndpoint::display)
        .orElse(null);
  }

  private void trustForAgent(Workspace workspace, List<Path> submodules) {
    try {
      List<String> dirs = workspace.safeDirectories(submodules);
      Workspace.writeSafeDirectories(settings.safeDirectoryConfig(), dirs);
      log.info("listed " + String.join(", ", dirs) + " as safe.directory in " + settings.safeDirectoryConfig());
    } catch (IOException e) {
      // Not fatal: git in the agent still works when it runs as the same user as git-init.
      log.warn("cannot write " + settings.safeDirectoryConfig() + ": " + e.getMessage());
    }
  }

  static Redactor redactor(Settings s) {
    String key = null;
    if (s.credentials().sshKey() instanceof SecretSource.Inline inline) {
      key = inline.content();
    }
    List<String> secrets = new java.util.ArrayList<>(java.util.Arrays.asList(s.credentials().password(), key));
    secrets.addAll(s.proxy().secrets());
    return new Redactor(secrets);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private void io(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new GitInitException(Failure.WORKSPACE, "cannot prepare the workspace at " + settings.root() + ": "
          + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
  }
}
