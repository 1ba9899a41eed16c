package io.kubeopencode.gitinit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.SubmoduleInitCommand;
import org.eclipse.jgit.api.SubmoduleUpdateCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * One clone attempt with JGit into an empty directory, done like {@code git clone --depth N --branch REF} but also for
 * a commit SHA: init, list only the refs that can match, fetch just the one needed, check it out, then submodules.
 * The remote URL written to {@code .git/config} is the credential-free one; credentials only live in the provider.
 */
final class Cloner {
  /** Seconds a connect or a read may block before the attempt counts as a network failure. */
  static final int TIMEOUT_SECONDS = 60;
  private static final String ORIGIN = "origin";
  private final Settings settings;
  private final HostBoundCredentials credentials;
  private final FailureClassifier classifier;
  private final Log log;
  private final Clock clock;

  Cloner(Settings settings, HostBoundCredentials credentials, FailureClassifier classifier, Log log, Clock clock) {
    this.settings = settings;
    this.credentials = credentials;
    this.classifier = classifier;
    this.log = log;
    this.clock = clock;
  }

  CloneResult cloneInto(Path dir) throws IOException, GitAPIException {
    URIish url = settings.repo().safe();
    try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
      Repository repo = git.getRepository();
      ResolvedRef ref = resolve(repo, url);
      log.info("fetching " + ref.describe() + (settings.depth() > 0 ? " (depth " + settings.depth() + ")"
          : " (full history)"));
      Instant start = clock.instant();
      ObjectId fetched = fetch(repo, url, ref);
      RevCommit commit = commit(repo, fetched);
      Instant fetchedAt = clock.instant();
      log.info("fetched in " + Duration.between(start, fetchedAt).toMillis() + " ms");
      checkSubpath(repo, commit);
      checkout(repo, ref, commit, url);
      log.info("checked out " + commit.name() + " (" + ref.describe() + ") in "
          + Duration.between(fetchedAt, clock.instant()).toMillis() + " ms");
      List<Path> submodules = new ArrayList<>();
      if (settings.recurseSubmodules()) {
        updateSubmodules(repo, submodules);
      }
      return new CloneResult(commit.name(), ref, List.copyOf(submodules));
    }
  }

  private Transport open(Repository repo, URIish url) throws TransportException {
    Transport transport;
    try {
      transport = Transport.open(repo, url);
    } catch (org.eclipse.jgit.errors.NotSupportedException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_REPO + ": unsupported URL " + url);
    }
    transport.setCredentialsProvider(credentials);
    transport.setTimeout(TIMEOUT_SECONDS);
    return transport;
  }

  /** Lists the refs GIT_REF could be (protocol v2 sends only those); a SHA needs no listing. */
  private ResolvedRef resolve(Repository repo, URIish url) throws IOException {
    String wanted = settings.ref();
    if (wanted != null && ObjectId.isId(wanted)) {
      return new ResolvedRef(ResolvedRef.Kind.COMMIT, wanted);
    }
    Map<String, Ref> advertised;
    try (Transport transport = open(repo, url);
        FetchConnection connection = transport.openFetch(List.of(),
            RefSelector.prefixes(wanted).toArray(String[]::new))) {
      advertised = connection.getRefsMap();
    }
    return RefSelector.select(wanted, advertised).orElseThrow(() -> new GitInitException(Failure.REF_NOT_FOUND,
        "ref '" + settings.refLabel() + "' not found in " + settings.repo().display()));
  }

  private ObjectId fetch(Repository repo, URIish url, ResolvedRef ref) throws IOException {
    FetchResult result;
    try (Transport transport = open(repo, url)) {
      if (settings.depth() > 0) {
        transport.setDepth(settings.depth());
      }
      try {
        result = transport.fetch(NullProgressMonitor.INSTANCE, List.of(ref.fetchSpec()));
      } catch (TransportException e) {
        // Only a refusal is worth the fallback; a network, login or TLS failure is reported as such.
        if (ref.kind() != ResolvedRef.Kind.COMMIT || classifier.classify(e).failure() != Failure.INTERNAL) {
          throw e;
        }
        return fetchEverythingFor(repo, url, ref.name());
      }
    }
    return switch (ref.kind()) {
      case COMMIT -> ObjectId.fromString(ref.name());
      case BRANCH -> repo.exactRef(Constants.R_REMOTES + ORIGIN + "/" + ref.name()).getObjectId();
      case TAG -> repo.exactRef(Constants.R_TAGS + ref.name()).getObjectId();
      case OTHER, DETACHED_HEAD -> result.getAdvertisedRef(ref.name()).getObjectId();
    };
  }

  /**
   * Servers that refuse to send an unadvertised commit (protocol v0 without allowReachableSHA1InWant): fetch all
   * branches and tags with full history, then look for the commit.
   */
  private ObjectId fetchEverythingFor(Repository repo, URIish url, String sha) throws IOException {
    log.info("the server did not send commit " + sha + " directly; fetching all branches and tags to find it");
    try (Transport transport = open(repo, url)) {
      transport.fetch(NullProgressMonitor.INSTANCE, List.of(
          new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*")));
    }
    ObjectId id = ObjectId.fromString(sha);
    if (!repo.getObjectDatabase().has(id)) {
      throw new GitInitException(Failure.REF_NOT_FOUND,
          "ref '" + sha + "' not found in " + settings.repo().display());
    }
    return id;
  }

  private RevCommit commit(Repository repo, ObjectId id) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(id);
    } catch (IncorrectObjectTypeException e) {
      throw new GitInitException(Failure.REF_NOT_FOUND, "ref '" + settings.refLabel() + "' in "
          + settings.repo().display() + " is not a commit");
    } catch (MissingObjectException e) {
      throw new GitInitException(Failure.REF_NOT_FOUND,
          "ref '" + settings.refLabel() + "' not found in " + settings.repo().display());
    }
  }

  private void checkSubpath(Repository repo, RevCommit commit) throws IOException {
    if (settings.subpath() == null) {
      return;
    }
    String where = " in " + settings.repo().display() + " at " + settings.refLabel();
    try (TreeWalk walk = TreeWalk.forPath(repo, settings.subpath(), commit.getTree())) {
      if (walk == null) {
        throw new GitInitException(Failure.SUBPATH_NOT_FOUND, "subpath '" + settings.subpath()
            + "' does not exist" + where);
      }
      // A directory, a file or a link is exposed as it is; a submodule is a directory only once it is checked out.
      if (walk.getFileMode(0) == FileMode.GITLINK && !settings.recurseSubmodules()) {
        throw new GitInitException(Failure.SUBPATH_NOT_FOUND, "subpath '" + settings.subpath()
            + "' is a submodule" + where + " (set " + EnvNames.GIT_RECURSE_SUBMODULES + "=true to check it out)");
      }
    }
  }

  /** HEAD on a local branch tracking origin for a branch (as git clone does), detached for a tag or a commit. */
  private void checkout(Repository repo, ResolvedRef ref, RevCommit commit, URIish url) throws IOException {
    StoredConfig config = repo.getConfig();
    RemoteConfig remote;
    try {
      remote = new RemoteConfig(config, ORIGIN);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    remote.addURI(url);
    remote.addFetchRefSpec(ref.configuredSpec(settings.depth()));
    remote.update(config);
    String message = "clone: from " + settings.repo().display();
    if (ref.kind() == ResolvedRef.Kind.BRANCH) {
      String branch = Constants.R_HEADS + ref.name();
      RefUpdate create = repo.updateRef(branch);
      create.setNewObjectId(commit);
      create.setRefLogMessage(message, false);
      create.forceUpdate();
      RefUpdate head = repo.updateRef(Constants.HEAD);
      head.disableRefLog();
      head.link(branch);
      config.setString("branch", ref.name(), "remote", ORIGIN);
      config.setString("branch", ref.name(), "merge", branch);
    } else {
      RefUpdate head = repo.updateRef(Constants.HEAD, true);
      head.setNewObjectId(commit);
      // The form git writes: "git status" then says "HEAD detached at <tag or sha>".
      head.setRefLogMessage("checkout: moving from " + repo.getBranch() + " to " + ref.name(), false);
      head.forceUpdate();
    }
    config.save();
    DirCache index = repo.lockDirCache();
    DirCacheCheckout checkout = new DirCacheCheckout(repo, index, commit.getTree());
    checkout.checkout();
  }

  /** {@code git submodule update --init --recursive}; a submodule's URL may be relative to its parent's. */
  private void updateSubmodules(Repository repo, List<Path> checkouts) throws IOException, GitAPIException {
    if (new SubmoduleInitCommand(repo).call().isEmpty()) {
      return;
    }
    SubmoduleUpdateCommand update = new SubmoduleUpdateCommand(repo);
    update.setCredentialsProvider(credentials);
    update.setTransportConfigCallback(t -> t.setTimeout(TIMEOUT_SECONDS));
    update.call();
    try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
      while (walk.next()) {
        try (Repository sub = walk.getRepository()) {
          if (sub == null) {
            continue;
          }
          Path path = sub.getWorkTree().toPath();
          log.info("submodule " + walk.getPath() + " at " + walk.getObjectId().name());
          checkouts.add(path);
          updateSubmodules(sub, checkouts);
        }
      }
    }
  }
}
