package io.kubeopencode.controller.job;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.kubeopencode.controller.job.ContextPlan.AgentMount;
import io.kubeopencode.controller.job.ContextPlan.GitClone;
import io.kubeopencode.controller.job.ContextPlan.GitPlacement;
import io.kubeopencode.controller.job.ContextPlan.UrlSource;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.PodContract;
import io.kubeopencode.podcontract.UrlFetch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Resolves a Task's contexts (the Agent's first, then the merged Task's) into a {@link ContextPlan}. Pure: the
 * ConfigMaps a context names are looked up through the given function (namespace, name), the Agent's contexts in the
 * Agent's namespace and the Task's in the Task's.
 */
public final class ContextPlanner {
  /** A ConfigMap holds at most 1 MiB; leave room for metadata. */
  public static final int MAX_CONFIGMAP_BYTES = 900 * 1024;
  static final int DEFAULT_FILE_MODE = 0644;
  static final int DEFAULT_URL_TIMEOUT_SECONDS = 30;
  static final String KEY_TASK = "task.md";
  static final String KEY_CONTEXT = "context.md";
  static final String KEY_AGENT_CONFIG = "opencode.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a plan is made of.
   *
   * @param agentConfig the Agent's {@code spec.config} (JSON) or null
   * @param runtimeFacts the text of a Runtime context
   */
  public record Sources(String workspaceDir, String agentNamespace, List<ContextItem> agentContexts,
      String agentConfig, String taskNamespace, MergedTask task, String runtimeFacts) {}

  private final WorkspacePaths paths;
  private final BiFunction<String, String, Optional<ConfigMap>> configMaps;
  private final String runtimeFacts;
  private final Map<String, String> data = new LinkedHashMap<>();
  private final Map<String, String> volumePaths = new LinkedHashMap<>();
  private final List<FileMapping> files = new ArrayList<>();
  private final List<DirMapping> dirs = new ArrayList<>();
  private final List<AgentMount> agentMounts = new ArrayList<>();
  private final List<GitClone> gitClones = new ArrayList<>();
  private final List<UrlSource> urls = new ArrayList<>();
  private final ContextFile contextFile = new ContextFile();

  private ContextPlanner(String workspace, BiFunction<String, String, Optional<ConfigMap>> configMaps,
      String runtimeFacts) {
    this.paths = new WorkspacePaths(workspace);
    this.configMaps = configMaps;
    this.runtimeFacts = runtimeFacts;
  }

  /** @param configMaps ConfigMaps by namespace and name */
  public static ContextPlan plan(Sources sources, BiFunction<String, String, Optional<ConfigMap>> configMaps) {
    ContextPlanner planner = new ContextPlanner(sources.workspaceDir(), configMaps, sources.runtimeFacts());
    int index = 0;
    for (ContextItem item : sources.agentContexts()) {
      planner.add(index++, item, sources.agentNamespace());
    }
    for (ContextItem item : sources.task().contexts()) {
      planner.add(index++, item, sources.taskNamespace());
    }
    return planner.finish(sources.task(), sources.agentConfig());
  }

  private void add(int index, ContextItem item, String namespace) {
    Source source = new Source(index, item, namespace);
    switch (item.type()) {
      case Text -> content(source, nullToEmpty(item.text()));
      case Runtime -> content(source, runtimeFacts);
      case ConfigMap -> configMap(source);
      case Git -> git(source);
      case URL -> url(source);
    }
  }

  /** A context item and the namespace it came from (its ConfigMaps live there). */
  private record Source(int index, ContextItem item, String namespace) {
    String name() {
      return isBlank(item.name()) ? "context-" + index : item.name();
    }

    /** The context as error messages name it. */
    String label() {
      return isBlank(item.name()) ? "context #" + index + " (" + item.type() + ")" : "context '" + item.name() + "'";
    }
  }

  private void content(Source source, String text) {
    ContextItem item = source.item();
    if (isBlank(item.mountPath())) {
      contextFile.add(source.name(), source.namespace(), item.type().name(), item.description(), text);
      return;
    }
    String target = paths.claimFile(item.mountPath(), source.label());
    String key = "file-" + source.index();
    put(key, key, text);
    int mode = (item.fileMode() != null ? item.fileMode() : DEFAULT_FILE_MODE) & 0777;
    if (paths.inside(target)) {
      files.add(new FileMapping(key, target, mode));
    } else {
      agentMounts.add(new AgentMount(key, target, mode));
    }
  }

  private void configMap(Source source) {
    ContextItem item = source.item();
    ConfigMapContext ref = item.configMap();
    if (ref == null) {
      // Earlier releases accepted a ConfigMap context without its payload: empty content.
      content(source, "");
      return;
    }
    boolean optional = Boolean.TRUE.equals(ref.optional()) || Boolean.TRUE.equals(item.optional());
    Optional<ConfigMap> found = configMaps.apply(source.namespace(), ref.name());
    if (found.isEmpty() && !optional) {
      throw TaskFailure.contextError(source.label() + ": ConfigMap " + source.namespace() + "/" + ref.name()
          + " not found");
    }
    Map<String, String> values = found.map(cm -> cm.getData() == null ? Map.<String, String>of() : cm.getData())
        .orElse(Map.of());
    if (ref.key() != null) {
      String value = values.get(ref.key());
      if (value == null && found.isPresent() && !optional) {
        throw TaskFailure.contextError(source.label() + ": key '" + ref.key() + "' not found in ConfigMap "
            + source.namespace() + "/" + ref.name());
      }
      content(source, nullToEmpty(value));
    } else if (!isBlank(item.mountPath())) {
      directory(source, new TreeMap<>(values));
    } else {
      content(source, ContextFile.files(new TreeMap<>(values)));
    }
  }

  private void directory(Source source, Map<String, String> values) {
    String target = paths.claimDirectory(source.item().mountPath(), source.label());
    String volumeDir = "dirs/" + source.index();
    values.forEach((key, value) -> put("dir-" + source.index() + "." + key, volumeDir + "/" + key, value));
    if (paths.insideOrWorkspace(target)) {
      dirs.add(new DirMapping(PodContract.CONTEXT_MOUNT + "/" + volumeDir, target));
    } else if (!values.isEmpty()) {
      agentMounts.add(new AgentMount(volumeDir, target, null));
    }
  }

  private void git(Source source) {
    GitContext git = source.item().git();
    String target = paths.claimDirectory(source.item().mountPath(), source.label());
    GitPlacement placement = paths.isWorkspace(target) ? GitPlacement.WORKSPACE_ROOT
        : paths.inside(target) ? GitPlacement.IN_WORKSPACE : GitPlacement.OWN_VOLUME;
    int depth = git.depth() == null || git.depth() < 0 ? 1 : git.depth();
    gitClones.add(new GitClone(gitClones.size(), git.repository(), git.ref(), depth, repositoryPath(git.path()),
        Boolean.TRUE.equals(git.recurseSubmodules()), git.secretRef() != null ? git.secretRef().name() : null,
        target, placement));
  }

  /** Earlier releases trimmed a leading '/' of a Git path; an empty one means the repository's root. */
  private static String repositoryPath(String path) {
    if (path == null) {
      return null;
    }
    String trimmed = path.replaceAll("^/+", "").replaceAll("/+$", "");
    return trimmed.isEmpty() ? null : trimmed;
  }

  private void url(Source source) {
    ContextItem item = source.item();
    UrlContext url = item.url();
    String target;
    if (isBlank(item.mountPath())) {
      target = paths.claim(paths.workspace() + "/.kubeopencode/url/" + source.index(), source.label());
      contextFile.add(source.name(), source.namespace(), "URL", item.description(),
          "Downloaded from " + url.source() + " to " + target + " when the pod started.");
    } else {
      target = paths.claimFile(item.mountPath(), source.label());
    }
    if (!paths.inside(target)) {
      throw TaskFailure.contextError(source.label() + ": " + target + " is outside the workspace "
          + paths.workspace() + "; URL contexts must be placed inside it");
    }
    String authPrefix = url.secretRef() != null ? "URL_" + urls.size() : null;
    urls.add(new UrlSource(new UrlFetch(url.source(), target, url.headers(), timeoutSeconds(url.timeout()),
        Boolean.TRUE.equals(url.insecureSkipTLSVerify()), Boolean.TRUE.equals(item.optional()), authPrefix),
        url.secretRef() != null ? url.secretRef().name() : null));
  }

  /** Seconds as an integer (as earlier releases wrote it) or a duration string. */
  static int timeoutSeconds(IntOrString timeout) {
    if (timeout == null) {
      return DEFAULT_URL_TIMEOUT_SECONDS;
    }
    if (timeout.getIntVal() != null) {
      return Math.max(1, timeout.getIntVal());
    }
    return (int) Math.max(1, Durations.parse(timeout.getStrVal()).toSeconds());
  }

  private ContextPlan finish(MergedTask task, String agentConfig) {
    if (!contextFile.isEmpty()) {
      String file = paths.claim(paths.workspace() + "/" + PodContract.CONTEXT_FILE, "context.md");
      put(KEY_CONTEXT, KEY_CONTEXT, contextFile.content());
      files.add(new FileMapping(KEY_CONTEXT, file, DEFAULT_FILE_MODE));
    }
    String taskFile = paths.claim(paths.workspace() + "/" + PodContract.TASK_FILE, "task.md");
    put(KEY_TASK, KEY_TASK, nullToEmpty(task.description()));
    files.add(0, new FileMapping(KEY_TASK, taskFile, DEFAULT_FILE_MODE));
    if (agentConfig != null) {
      validateJson(agentConfig);
      put(KEY_AGENT_CONFIG, KEY_AGENT_CONFIG, agentConfig);
    }
    requireSize();
    return new ContextPlan(data, volumePaths, files, dirs, agentMounts, gitClones, urls, agentConfig != null,
        !contextFile.isEmpty(), outputs(task.outputs()));
  }

  /** Paths relative to the workspace; an absolute one must be inside it (the collector sees only the workspace). */
  private List<OutputParameter> outputs(List<OutputParameter> declared) {
    Map<String, OutputParameter> byName = new LinkedHashMap<>();
    for (OutputParameter p : declared) {
      String path = p.path();
      if (path.startsWith("/")) {
        String absolute = paths.resolve(path, "output '" + p.name() + "'");
        if (!paths.inside(absolute)) {
          throw TaskFailure.contextError("output '" + p.name() + "': " + path + " is outside the workspace "
              + paths.workspace() + ", the only directory the output collector can read");
        }
        path = absolute.substring(paths.workspace().length() + 1);
      }
      // Of two parameters with the same name the last wins, as in earlier releases.
      byName.remove(p.name());
      byName.put(p.name(), new OutputParameter(p.name(), path, p.defaultValue()));
    }
    return List.copyOf(byName.values());
  }

  private void put(String key, String path, String value) {
    if (key.length() > 253) {
      throw TaskFailure.contextError("ConfigMap key '" + key.substring(0, 40) + "...' is longer than 253 characters");
    }
    data.put(key, value);
    volumePaths.put(key, path);
  }

  private void requireSize() {
    long bytes = data.entrySet().stream()
        .mapToLong(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
    if (bytes > MAX_CONFIGMAP_BYTES) {
      throw TaskFailure.contextError("contexts total " + (bytes + 1023) / 1024 + " KiB, over the "
          + MAX_CONFIGMAP_BYTES / 1024 + " KiB a ConfigMap can hold; use Git or URL contexts for large content");
    }
  }

  private static void validateJson(String json) {
    try {
      JSON.readTree(json);
    } catch (JacksonException e) {
      throw TaskFailure.contextError("the Agent's spec.config is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
