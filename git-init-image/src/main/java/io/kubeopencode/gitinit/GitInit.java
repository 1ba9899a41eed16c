package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.ProxyEndpoint;
import java.io.IOException;
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
        + (settings.depth() == 0 ? "full history" : "depth " + settings.depth()) + ") into "
        + (settings.mergeInto() == null ? workspace.exposed() : settings.mergeInto() + " (staged at "
            + workspace.checkout() + ")")
        + (settings.subpath() == null ? "" : " (subpath " + settings.subpath() + ")"));
    String commit = settings.mergeInto() == null ? cloneInPlace(workspace, request)
        : cloneAndMerge(workspace, request);
    log.info("done in " + Duration.between(start, clock.instant()).toMillis() + " ms: "
        + (settings.mergeInto() == null ? workspace.exposed() : settings.mergeInto()) + " at " + commit);
  }

  /** Returns the commit checked out at GIT_ROOT/GIT_LINK, reusing a complete clone of the same request. */
  private String cloneInPlace(Workspace workspace, CloneMarker request) {
    Optional<CloneMarker> existing = workspace.reusable(request);
    if (existing.isPresent()) {
      log.info("reusing the complete checkout at " + workspace.checkout() + " (commit " + existing.get().commit()
          + ")");
      io(workspace::expose);
      trustForAgent(() -> workspace.safeDirectories(List.of()));
      return existing.get().commit();
    }
    CloneResult result = freshClone(workspace, request);
    trustForAgent(() -> workspace.safeDirectories(result.submodules()));
    return result.commit();
  }

  /**
   * GIT_MERGE_INTO: clone into the staging directory, record that, move the entries, record that, remove the staging
   * directory. A restart resumes from what the marker says: a finished merge is kept as it is, an interrupted one
   * is carried on without cloning again.
   */
  private String cloneAndMerge(Workspace workspace, CloneMarker request) {
    MergeInto merge = new MergeInto(settings, workspace, log);
    Optional<MergeMarker> state = io(() -> merge.state(request));
    if (state.isPresent() && state.get().merged()) {
      log.info("already merged into " + merge.target() + " (commit " + state.get().checkout().commit() + ")");
      io(merge::removeStaging);
      return state.get().checkout().commit();
    }
    MergeMarker merging;
    if (state.isPresent()) {
      merging = state.get();
      log.info("resuming the interrupted merge into " + merge.target() + " (commit " + merging.checkout().commit()
          + ")");
    } else {
      CloneResult result = freshClone(workspace, request);
      trustForAgent(() -> merge.safeDirectories(workspace.checkout(), result.submodules()));
      merging = MergeMarker.merging(request.withCommit(result.commit()));
      io(() -> merge.record(merging));
    }
    log.info(io(merge::mergeStaged));
    io(() -> merge.record(merging.done()));
    io(merge::removeStaging);
    return merging.checkout().commit();
  }

  /** Clones into an emptied checkout directory, shares the files and writes the completion marker. */
  private CloneResult freshClone(Workspace workspace, CloneMarker request) {
    io(workspace::prepareEmpty);
    CloneResult result = cloneOrCleanUp(workspace);
    Instant shareStart = clock.instant();
    io(() -> workspace.complete(request.withCommit(result.commit())));
    log.info("shared the files with the agent's user in " + Duration.between(shareStart, clock.instant()).toMillis()
        + " ms");
    return result;
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

  private void trustForAgent(IoSupplier<List<String>> directories) {
    try {
      List<String> dirs = directories.get();
      Workspace.writeSafeDirectories(settings.safeDirectoryConfig(), dirs);
      log.info("listed " + (dirs.isEmpty() ? "nothing" : String.join(", ", dirs)) + " as safe.directory in "
          + settings.safeDirectoryConfig());
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

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private void io(IoAction action) {
    io(() -> {
      action.run();
      return null;
    });
  }

  private <T> T io(IoSupplier<T> action) {
    try {
      return action.get();
    } catch (IOException e) {
      throw new GitInitException(Failure.WORKSPACE, "cannot prepare the workspace at " + settings.root() + ": "
          + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
  }
}
