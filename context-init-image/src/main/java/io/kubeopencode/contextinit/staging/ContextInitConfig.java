package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.EnvJson;
import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.paths.Modes;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.contextinit.url.UrlRules;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.PodContract;
import io.kubeopencode.podcontract.ProxyEnv;
import io.kubeopencode.podcontract.ProxyEnvException;
import io.kubeopencode.podcontract.UrlFetch;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What context-init is asked to do, read from its environment and checked for shape (not yet for path safety,
 * which is {@link StagingPlan}'s). Pure.
 *
 * @param workspace normalised WORKSPACE_DIR
 * @param configMapPath normalised CONFIGMAP_PATH
 * @param allowedRoots the workspace first, then ALLOWED_ROOTS, normalised
 * @param urlMaxBytes URL_MAX_BYTES
 * @param task "namespace/name" for the log, or null
 * @param customCa CUSTOM_CA_CERT_PATH, normalised, or null
 * @param systemCaBundle SYSTEM_CA_BUNDLE, normalised
 * @param proxy HTTP(S)_PROXY and NO_PROXY, for URL downloads
 */
public record ContextInitConfig(String workspace, String configMapPath, List<FileMapping> files,
    List<DirMapping> dirs, List<UrlFetch> urls, List<String> allowedRoots, long urlMaxBytes, String task,
    Path customCa, Path systemCaBundle, ProxyEnv proxy) {

  public static final long DEFAULT_URL_MAX_BYTES = 10L * 1024 * 1024;
  public static final int DEFAULT_URL_TIMEOUT_SECONDS = 30;
  /** An env var name, since {@code <authEnvPrefix>_TOKEN} must be one. */
  private static final Pattern ENV_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public ContextInitConfig {
    files = List.copyOf(files);
    dirs = List.copyOf(dirs);
    urls = List.copyOf(urls);
    allowedRoots = List.copyOf(allowedRoots);
  }

  public static ContextInitConfig from(Map<String, String> env) {
    String workspace = root(env.get(PodContract.ENV_WORKSPACE_DIR), PodContract.ENV_WORKSPACE_DIR);
    String configMapPath = root(valueOr(env.get(PodContract.ENV_CONFIGMAP_PATH), PodContract.CONTEXT_MOUNT),
        PodContract.ENV_CONFIGMAP_PATH);
    List<String> roots = new ArrayList<>(List.of(workspace));
    String extra = env.get(PodContract.ENV_ALLOWED_ROOTS);
    if (extra != null) {
      for (String entry : extra.split(":")) {
        if (!entry.isBlank()) {
          roots.add(root(entry.strip(), PodContract.ENV_ALLOWED_ROOTS + " entry"));
        }
      }
    }

    List<FileMapping> files = EnvJson.list(env, PodContract.ENV_FILE_MAPPINGS, FileMapping.class,
        "key", "targetPath", "fileMode");
    for (int i = 0; i < files.size(); i++) {
      FileMapping f = files.get(i);
      String what = PodContract.ENV_FILE_MAPPINGS + "[" + i + "]";
      String keyProblem = PathRules.configMapKeyProblem(f.key());
      if (keyProblem != null) {
        throw invalid(what + ": key '" + f.key() + "' " + keyProblem);
      }
      if (!Modes.valid(f.fileMode())) {
        throw invalid(what + ": fileMode " + f.fileMode() + " is not between 0 and 0777 (511)");
      }
    }
    List<DirMapping> dirs = EnvJson.list(env, PodContract.ENV_DIR_MAPPINGS, DirMapping.class,
        "sourcePath", "targetPath");

    List<UrlFetch> urls = new ArrayList<>();
    List<UrlFetch> given = EnvJson.list(env, PodContract.ENV_URL_CONTEXTS, UrlFetch.class, "source", "targetPath");
    for (int i = 0; i < given.size(); i++) {
      urls.add(checked(given.get(i), PodContract.ENV_URL_CONTEXTS + "[" + i + "]"));
    }

    long maxBytes = DEFAULT_URL_MAX_BYTES;
    String max = env.get(PodContract.ENV_URL_MAX_BYTES);
    if (max != null && !max.isBlank()) {
      try {
        maxBytes = Long.parseLong(max.strip());
      } catch (NumberFormatException e) {
        maxBytes = 0;
      }
      if (maxBytes <= 0) {
        throw invalid(PodContract.ENV_URL_MAX_BYTES + " must be a positive number of bytes, not '" + max + "'");
      }
    }
    String name = env.get(PodContract.ENV_TASK_NAME);
    String namespace = env.get(PodContract.ENV_TASK_NAMESPACE);
    String task = name == null ? null : (namespace == null ? "" : namespace + "/") + name;
    Path customCa = absolute(env.get(PodContract.ENV_CUSTOM_CA_CERT_PATH), PodContract.ENV_CUSTOM_CA_CERT_PATH);
    Path system = absolute(valueOr(env.get(PodContract.ENV_SYSTEM_CA_BUNDLE), PodContract.DEFAULT_SYSTEM_CA_BUNDLE),
        PodContract.ENV_SYSTEM_CA_BUNDLE);
    return new ContextInitConfig(workspace, configMapPath, files, dirs, urls, roots, maxBytes, task, customCa,
        system, proxy(env));
  }

  private static ProxyEnv proxy(Map<String, String> env) {
    try {
      return ProxyEnv.parse(env);
    } catch (ProxyEnvException e) {
      throw invalid(e.getMessage());
    }
  }

  /** An absolute path, normalised; null when unset or blank. */
  private static Path absolute(String raw, String what) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      Path path = Path.of(raw.strip());
      if (path.isAbsolute()) {
        return path.normalize();
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    throw invalid(what + " must be an absolute path, not '" + raw + "'");
  }

  /** Defaults filled in: no headers → empty map, timeout 0 (absent) → 30 s. */
  private static UrlFetch checked(UrlFetch u, String what) {
    if (u.timeoutSeconds() < 0) {
      throw invalid(what + ": timeoutSeconds must not be negative, was " + u.timeoutSeconds());
    }
    String headerProblem = UrlRules.headerProblem(u.headers());
    if (headerProblem != null) {
      throw invalid(what + ": " + headerProblem);
    }
    if (u.authEnvPrefix() != null && !ENV_PREFIX.matcher(u.authEnvPrefix()).matches()) {
      throw invalid(what + ": authEnvPrefix '" + u.authEnvPrefix() + "' is not an environment variable name");
    }
    return new UrlFetch(u.source(), u.targetPath(), u.headers() == null ? Map.of() : u.headers(),
        u.timeoutSeconds() == 0 ? DEFAULT_URL_TIMEOUT_SECONDS : u.timeoutSeconds(), u.insecureSkipTLSVerify(),
        u.optional(), u.authEnvPrefix());
  }

  private static String root(String raw, String what) {
    if (raw == null || raw.isBlank()) {
      throw invalid(what + " is required");
    }
    try {
      return PathRules.root(raw.strip(), what);
    } catch (PathRefused e) {
      throw invalid(e.detail());
    }
  }

  private static String valueOr(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static Failure invalid(String detail) {
    return new Failure(Kind.INVALID_CONFIG, detail);
  }
}
