package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.contextinit.paths.TargetPath;
import io.kubeopencode.contextinit.url.Credentials;
import io.kubeopencode.contextinit.url.UrlRules;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.PodContract;
import io.kubeopencode.podcontract.UrlFetch;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every step context-init will take, with every path checked by the lexical rules: built completely before
 * anything is written, so a refused path fails the container with nothing written at all. Pure.
 */
public record StagingPlan(List<FileStep> files, List<DirStep> dirs, List<UrlStep> urls) {

  /** Write ConfigMap key {@code key} to {@code target} with {@code mode}. */
  public record FileStep(String key, TargetPath target, int mode) {}

  /** Copy the volume directory {@code source} (segments below the mount) into {@code target}. */
  public record DirStep(List<String> source, String sourceShown, TargetPath target) {}

  /**
   * Download {@code uri} to {@code target}. An optional URL whose source is refused is kept with {@code refused}
   * set (and {@code uri} null): it is skipped with a log line, like one that cannot be fetched.
   */
  public record UrlStep(String what, UrlFetch fetch, URI uri, TargetPath target,
      Optional<Credentials> credentials, Failure refused) {}

  public StagingPlan {
    files = List.copyOf(files);
    dirs = List.copyOf(dirs);
    urls = List.copyOf(urls);
  }

  /**
   * @param env the environment, for the URL credentials
   * @throws Failure PathRefused for a path breaking the rules, UrlRefused for a required URL that is not one,
   *     InvalidConfig for malformed credentials
   */
  public static StagingPlan of(ContextInitConfig config, Map<String, String> env) {
    List<String> roots = config.allowedRoots();
    List<FileStep> files = new ArrayList<>();
    for (int i = 0; i < config.files().size(); i++) {
      FileMapping f = config.files().get(i);
      String what = PodContract.ENV_FILE_MAPPINGS + "[" + i + "] targetPath";
      files.add(new FileStep(f.key(), PathRules.target(f.targetPath(), roots, false, what), f.fileMode()));
    }
    List<DirStep> dirs = new ArrayList<>();
    for (int i = 0; i < config.dirs().size(); i++) {
      DirMapping d = config.dirs().get(i);
      String what = PodContract.ENV_DIR_MAPPINGS + "[" + i + "]";
      List<String> source = PathRules.volumeSource(d.sourcePath(), config.configMapPath(), what + " sourcePath");
      dirs.add(new DirStep(source, d.sourcePath(), PathRules.target(d.targetPath(), roots, true,
          what + " targetPath")));
    }
    List<UrlStep> urls = new ArrayList<>();
    for (int i = 0; i < config.urls().size(); i++) {
      UrlFetch u = config.urls().get(i);
      String what = "URL context " + i;
      TargetPath target = PathRules.target(u.targetPath(), roots, false,
          PodContract.ENV_URL_CONTEXTS + "[" + i + "] targetPath");
      Optional<Credentials> credentials = Credentials.from(u.authEnvPrefix(), env, what);
      try {
        urls.add(new UrlStep(what, u, UrlRules.source(u.source(), what), target, credentials, null));
      } catch (Failure refused) {
        if (!u.optional()) {
          throw refused;
        }
        urls.add(new UrlStep(what, u, null, target, credentials, refused));
      }
    }
    return new StagingPlan(files, dirs, urls);
  }
}
