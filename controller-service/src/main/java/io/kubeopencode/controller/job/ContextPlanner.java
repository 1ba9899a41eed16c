package io.kubeopencode.controller.job;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.kubeopencode.controller.job.ContextPlan.AgentMount;
import io.kubeopencode.controller.job.ContextPlan.GitClone;
import io.kubeopencode.controller.job.ContextPlan.UrlSource;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.PodContract;
import io.kubeopencode.podcontract.UrlFetch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Resolves a Task's contexts (the Agent's first, then the merged Task's) into a {@link ContextPlan}. Pure: the
 * ConfigMaps a context names are looked up through the given function (the informer cache).
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

  private final String workspace;
  private final Function<String, Optional<ConfigMap>> configMaps;
  private final Map<String, String> data = new LinkedHashMap<>();
  private final Map<String, String> paths = new LinkedHashMap<>();
  private final List<FileMapping> files = new ArrayList<>();
  private final List<DirMapping> dirs = new ArrayList<>();
  private final List<AgentMount> agentMounts = new ArrayList<>();
  private final List<GitClone> gitClones = new ArrayList<>();
  private final List<UrlSource> urls = new ArrayList<>();
  private final StringBuilder inline = new StringBuilder();
  private final Map<String, String> claimedPaths = new HashMap<>();

  private ContextPlanner(String workspace, Function<String, Optional<ConfigMap>> configMaps) {
    this.workspace = trimTrailingSlash(workspace);
    this.configMaps = configMaps;
  }

  /**
   * @param agentContexts the Agent's contexts, applied first
   * @param agentConfig the Agent's {@code spec.config} (JSON) or null
   * @param runtimeFacts the text of a Runtime context
   * @param configMaps ConfigMaps of the Task's namespace by name
   */
  public static ContextPlan plan(MergedTask task, String workspaceDir, List<ContextItem> agentContexts,
      String agentConfig, String runtimeFacts, Function<String, Optional<ConfigMap>> configMaps) {
    ContextPlanner planner = new ContextPlanner(workspaceDir, configMaps);
    List<ContextItem> all = new ArrayList<>(agentContexts);
    all.addAll(task.contexts());
    for (int i = 0; i < all.size(); i++) {
      planner.add(i, all.get(i), runtimeFacts);
    }
    return planner.finish(task.description(), agentConfig);
  }

  private void add(int index, ContextItem item, String runtimeFacts) {
    String label = label(index, item);
    switch (item.type()) {
      case Text -> content(index, item, label, nullToEmpty(item.text()));
      case Runtime -> content(index, item, label, runtimeFacts);
      case ConfigMap -> configMap(index, item, label);
      case Git -> git(index, item, label);
      case URL -> url(index, item, label);
    }
  }

  private void content(int index, ContextItem item, String label, String text) {
    if (isBlank(item.mountPath())) {
      appendInline(name(index, item), item.type().name(), text);
      return;
    }
    String key = "file-" + index;
    String target = claim(resolve(item.mountPath(), label), label);
    put(key, key, text);
    int mode = item.fileMode() != null ? item.fileMode() : DEFAULT_FILE_MODE;
    if (insideWorkspace(target)) {
      files.add(new FileMapping(key, target, mode));
    } else {
      agentMounts.add(new AgentMount(key, target));
    }
  }

  private void configMap(int index, ContextItem item, String label) {
    ConfigMapContext source = item.configMap();
    boolean optional = Boolean.TRUE.equals(source.optional()) || Boolean.TRUE.equals(item.optional());
    Optional<ConfigMap> found = configMaps.apply(source.name());
    Map<String, String> values = found.map(cm -> cm.getData() == null ? Map.<String, String>of() : cm.getData())
        .orElse(Map.of());
    if (found.isEmpty() && !optional) {
      throw TaskFailure.contextError(label + ": ConfigMap '" + source.name() + "' not found");
    }
    if (source.key() != null) {
      String value = values.get(source.key());
      if (value == null && found.isPresent() && !optional) {
        throw TaskFailure.contextError(label + ": key '" + source.key() + "' not found in ConfigMap '"
            + source.name() + "'");
      }
      content(index, item, label, nullToEmpty(value));
    } else if (!isBlank(item.mountPath())) {
      directory(index, item, label, new TreeMap<>(values));
    } else {
      new TreeMap<>(values).forEach((key, value) -> appendInline(name(index, item) + "/" + key, "ConfigMap", value));
    }
  }

  private void directory(int index, ContextItem item, String label, Map<String, String> values) {
    String target = claim(resolve(item.mountPath(), label), label);
    String volumeDir = "dirs/" + index;
    values.forEach((key, value) -> put("dir-" + index + "." + key, volumeDir + "/" + key, value));
    if (insideWorkspace(target)) {
      dirs.add(new DirMapping(PodContract.CONTEXT_MOUNT + "/" + volumeDir, target));
    } else if (!values.isEmpty()) {
      agentMounts.add(new AgentMount(volumeDir, target));
    }
  }

  private void git(int index, ContextItem item, String label) {
    GitContext git = item.git();
    String target = claim(resolve(item.mountPath(), label), label);
    requireInsideWorkspace(target, label);
    gitClones.add(new GitClone(gitClones.size(), git.repository(), git.ref(), git.depth() != null ? git.depth() : 1,
        git.path(), Boolean.TRUE.equals(git.recurseSubmodules()),
        git.secretRef() != null ? git.secretRef().name() : null, target));
  }

  private void url(int index, ContextItem item, String label) {
    UrlContext url = item.url();
    String target;
    if (isBlank(item.mountPath())) {
      target = claim(workspace + "/.kubeopencode/url/" + index, label);
      appendInline(name(index, item), "URL", "Downloaded from " + url.source() + " to " + target + " when the pod started.");
    } else {
      target = claim(resolve(item.mountPath(), label), label);
    }
    requireInsideWorkspace(target, label);
    int timeout = url.timeout() != null ? (int) Math.max(1, Durations.parse(url.timeout()).toSeconds())
        : DEFAULT_URL_TIMEOUT_SECONDS;
    String authPrefix = url.secretRef() != null ? "URL_" + urls.size() : null;
    urls.add(new UrlSource(new UrlFetch(url.source(), target, url.headers(), timeout,
        Boolean.TRUE.equals(url.insecureSkipTLSVerify()), Boolean.TRUE.equals(item.optional()), authPrefix),
        url.secretRef() != null ? url.secretRef().name() : null));
  }

  private ContextPlan finish(String description, String agentConfig) {
    String task = nullToEmpty(description);
    if (!inline.isEmpty()) {
      String contextFile = workspace + "/" + PodContract.CONTEXT_FILE;
      claim(contextFile, "context.md");
      put(KEY_CONTEXT, KEY_CONTEXT, inline.toString());
      files.add(new FileMapping(KEY_CONTEXT, contextFile, DEFAULT_FILE_MODE));
      // Point the agent at the context file from the prompt itself.
      task = task + (task.endsWith("\n") || task.isEmpty() ? "" : "\n") + "\nAdditional context for this task is in "
          + contextFile + ".\n";
    }
    String taskFile = claim(workspace + "/" + PodContract.TASK_FILE, "task.md");
    put(KEY_TASK, KEY_TASK, task);
    files.add(0, new FileMapping(KEY_TASK, taskFile, DEFAULT_FILE_MODE));
    if (agentConfig != null) {
      validateJson(agentConfig);
      put(KEY_AGENT_CONFIG, KEY_AGENT_CONFIG, agentConfig);
    }
    requireSize();
    return new ContextPlan(data, paths, files, dirs, agentMounts, gitClones, urls, agentConfig != null);
  }

  private void appendInline(String name, String type, String text) {
    inline.append("<context name=\"").append(name.replace("\"", "&quot;")).append("\" type=\"").append(type)
        .append("\">\n").append(text);
    if (!text.endsWith("\n")) {
      inline.append('\n');
    }
    inline.append("</context>\n\n");
  }

  private void put(String key, String path, String value) {
    if (key.length() > 253) {
      throw TaskFailure.contextError("ConfigMap key '" + key.substring(0, 40) + "...' is longer than 253 characters");
    }
    data.put(key, value);
    paths.put(key, path);
  }

  /** Absolute path of a mountPath: relative ones are under the workspace. */
  private String resolve(String mountPath, String label) {
    String path = mountPath.startsWith("/") ? mountPath : workspace + "/" + mountPath;
    for (String segment : path.split("/")) {
      if (segment.equals("..")) {
        throw TaskFailure.contextError(label + ": mountPath '" + mountPath + "' must not contain '..'");
      }
    }
    return trimTrailingSlash(path.replaceAll("/+", "/").replace("/./", "/"));
  }

  private String claim(String path, String label) {
    String previous = claimedPaths.putIfAbsent(path, label);
    if (previous != null) {
      throw TaskFailure.contextError(previous + " and " + label + " both resolve to " + path);
    }
    return path;
  }

  private boolean insideWorkspace(String path) {
    return path.startsWith(workspace + "/");
  }

  private void requireInsideWorkspace(String path, String label) {
    if (!insideWorkspace(path)) {
      throw TaskFailure.contextError(label + ": " + path + " is outside the workspace " + workspace
          + "; Git and URL contexts must be placed inside it");
    }
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

  /** The name shown to the agent in context.md. */
  private static String name(int index, ContextItem item) {
    return isBlank(item.name()) ? "context-" + index : item.name();
  }

  /** The context as error messages name it. */
  private static String label(int index, ContextItem item) {
    return isBlank(item.name()) ? "context #" + index + " (" + item.type() + ")" : "context '" + item.name() + "'";
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String trimTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
