package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.paths.Modes;
import io.kubeopencode.contextinit.paths.TargetPath;
import io.kubeopencode.contextinit.staging.ConfigMapVolume.Entry;
import io.kubeopencode.contextinit.staging.StagingPlan.DirStep;
import io.kubeopencode.contextinit.staging.StagingPlan.FileStep;
import io.kubeopencode.contextinit.staging.StagingPlan.UrlStep;
import io.kubeopencode.contextinit.url.Credentials;
import io.kubeopencode.contextinit.url.UrlFetcher;
import io.kubeopencode.contextinit.url.UrlRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The context-init role: reads its configuration, checks every path before writing anything, then writes the
 * mapped files, copies the ConfigMap directories and downloads the URL contexts.
 */
public final class ContextInit {
  /** Copied directory files and downloads: a ConfigMap volume's default mode, for any user. */
  private static final int DEFAULT_MODE = Modes.forAnyUser(Modes.DEFAULT_FILE);
  private final Log log;

  public ContextInit(Log log) {
    this.log = log;
  }

  /** @throws Failure for anything that stops the staging; optional URLs that fail are only logged */
  public void run(Map<String, String> env) {
    ContextInitConfig config = ContextInitConfig.from(env);
    StagingPlan plan = StagingPlan.of(config, env);
    plan.urls().forEach(u -> u.credentials().map(Credentials::secrets).ifPresent(s -> s.forEach(log::addSecret)));
    config.proxy().secrets().forEach(log::addSecret);
    log.info("staging " + plan.files().size() + " files, " + plan.dirs().size() + " directories and "
        + plan.urls().size() + " URLs into " + config.workspace()
        + (config.task() != null ? " for Task " + config.task() : ""));

    ConfigMapVolume volume = new ConfigMapVolume(Path.of(config.configMapPath()));
    // Every key is looked up before the first write: a missing one fails the container with nothing written.
    List<Path> sources = new ArrayList<>();
    for (FileStep step : plan.files()) {
      sources.add(volume.key(step.key(), step.target().toString()));
    }
    Optional<CombinedCaFile> caFile = CombinedCaFile.prepare(config, log);

    SafeTree tree = new SafeTree();
    for (int i = 0; i < plan.files().size(); i++) {
      writeFile(tree, plan.files().get(i), sources.get(i));
    }
    for (DirStep step : plan.dirs()) {
      copyDirectory(tree, volume, step);
    }
    caFile.ifPresent(ca -> log.info(ca.write(tree, DEFAULT_MODE)));
    if (!plan.urls().isEmpty() && config.proxy().configured()) {
      // Before the first connection: with proxy credentials the JDK must allow Basic for CONNECT (read once).
      config.proxy().installAsDefaults();
      log.info(config.proxy().describe());
    }
    if (!plan.urls().isEmpty()) {
      // Only then: the fetcher's TLS context reads the trust store, a third of a run that stages no URL.
      UrlFetcher fetcher = new UrlFetcher(config.urlMaxBytes(), log,
          caFile.map(ca -> ca.custom().sslContext()).orElse(null), config.proxy());
      for (UrlStep step : plan.urls()) {
        fetch(tree, fetcher, step);
      }
    }
    log.info("done");
  }

  private void writeFile(SafeTree tree, FileStep step, Path source) {
    TargetPath target = step.target();
    Path dir = tree.directory(target.parent());
    int mode = Modes.forAnyUser(step.mode());
    long size = tree.writeFile(dir, target.name(), mode, file -> Files.copy(source, file,
        StandardCopyOption.REPLACE_EXISTING), target.toString());
    log.info("wrote " + target + " (" + size + " bytes, mode " + Modes.octal(mode)
        + (mode == step.mode() ? "" : " for fileMode " + Modes.octal(step.mode())) + ") from key " + step.key());
  }

  private void copyDirectory(SafeTree tree, ConfigMapVolume volume, DirStep step) {
    TargetPath target = step.target();
    Optional<Path> source = volume.directory(step.source(), target.toString());
    Path dir = tree.directory(target);
    if (source.isEmpty()) {
      // The controller maps a ConfigMap without keys (or an optional one that does not exist) to no volume items.
      log.info("created empty directory " + target + ": the ConfigMap directory " + step.sourceShown()
          + " has no files");
      return;
    }
    int files = copyTree(tree, volume, source.get(), dir, target, new HashSet<>());
    log.info("copied " + files + " files from " + step.sourceShown() + " to " + target);
  }

  /** Copies the visible entries of {@code sourceDir} into {@code targetDir}; returns the number of files. */
  private int copyTree(SafeTree tree, ConfigMapVolume volume, Path sourceDir, Path targetDir, TargetPath target,
      Set<Path> visited) {
    if (!visited.add(sourceDir)) {
      return 0; // a link cycle inside the volume
    }
    int files = 0;
    for (Entry entry : volume.entries(sourceDir, target.toString())) {
      String shown = targetDir.resolve(entry.name()).toString();
      if (entry.directory()) {
        Path sub = tree.subdirectory(targetDir, entry.name(), target.root(), shown);
        files += copyTree(tree, volume, entry.real(), sub, target, visited);
      } else if (Files.isRegularFile(entry.real())) {
        tree.writeFile(targetDir, entry.name(), DEFAULT_MODE, file -> Files.copy(entry.real(), file,
            StandardCopyOption.REPLACE_EXISTING), shown);
        files++;
      } else {
        log.info("skipped " + entry.name() + " in " + sourceDir + ": not a regular file");
      }
    }
    return files;
  }

  private void fetch(SafeTree tree, UrlFetcher fetcher, UrlStep step) {
    if (step.refused() != null) {
      log.info("optional URL context skipped: " + step.refused().getMessage());
      return;
    }
    TargetPath target = step.target();
    UrlFetcher.Request request = new UrlFetcher.Request(step.what(), step.uri(), step.fetch().headers(),
        step.credentials(), step.fetch().timeoutSeconds(), step.fetch().insecureSkipTLSVerify());
    log.info("fetching " + step.what() + " from " + UrlRules.redact(step.uri()) + " (timeout "
        + request.timeoutSeconds() + "s"
        + step.credentials().map(c -> ", " + c.scheme().toLowerCase(Locale.ROOT) + " credentials")
            .orElse("")
        + (request.headers().isEmpty() ? "" : ", headers " + String.join(", ", request.headers().keySet()))
        + (request.insecureSkipTlsVerify() ? ", TLS not verified" : "") + ")");
    int mark = tree.createdCount();
    try {
      Path dir = tree.directory(target.parent());
      long size = tree.writeFile(dir, target.name(), DEFAULT_MODE, file -> fetcher.download(request, file),
          target.toString());
      log.info("wrote " + target + " (" + size + " bytes) from " + step.what());
    } catch (Failure e) {
      tree.removeCreatedSince(mark);
      if (!step.fetch().optional() || !e.kind().remote()) {
        throw e; // a refused path or a local write error fails even an optional URL context
      }
      log.info("optional URL context skipped: " + e.getMessage());
    }
  }
}
