package io.kubeopencode.controller.job;

import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.UrlFetch;
import java.util.List;
import java.util.Map;

/**
 * Where every context of a Task goes: the content of the Task's context ConfigMap, how context-init lays it out,
 * what is mounted straight into the agent container, and the repositories and URLs fetched at pod start.
 *
 * @param configMapData keys and values of the context ConfigMap
 * @param configMapPaths key → path inside the ConfigMap volume (directories of a ConfigMap context are nested)
 * @param fileMappings files context-init writes into the workspace
 * @param dirMappings directories context-init copies into the workspace
 * @param agentMounts content outside the workspace, mounted read-only into the agent container
 * @param gitClones one git-init container each
 * @param urlFetches downloads done by context-init
 * @param hasAgentConfig the Agent's {@code config} is in the ConfigMap
 * @param hasContextFile inline contexts were written to {@code .kubeopencode/context.md}
 * @param outputs the output parameters, paths relative to the workspace
 */
public record ContextPlan(Map<String, String> configMapData, Map<String, String> configMapPaths,
    List<FileMapping> fileMappings, List<DirMapping> dirMappings, List<AgentMount> agentMounts,
    List<GitClone> gitClones, List<UrlSource> urlFetches, boolean hasAgentConfig, boolean hasContextFile,
    List<OutputParameter> outputs) {

  /**
   * A path of the context ConfigMap volume mounted at {@code mountPath} in the agent container; {@code mode} is the
   * file's (null for a directory: the volume's default).
   */
  public record AgentMount(String volumePath, String mountPath, Integer mode) {}

  /** Where a repository appears for the agent, which decides how git-init is told to clone it. */
  public enum GitPlacement {
    /** Below the workspace: cloned straight into the workspace volume. */
    IN_WORKSPACE,
    /** The workspace itself ({@code mountPath: .}): cloned beside it, then merged into it. */
    WORKSPACE_ROOT,
    /** Outside the workspace: cloned into a volume of its own, mounted there by subPath. */
    OWN_VOLUME
  }

  /** A repository cloned by {@code git-init-<index>} so that it appears at {@code targetPath}. */
  public record GitClone(int index, String repository, String ref, int depth, String subPath,
      boolean recurseSubmodules, String secretName, String targetPath, GitPlacement placement) {}

  /** A URL fetched by context-init; {@code secretName} backs its credential env vars. */
  public record UrlSource(UrlFetch fetch, String secretName) {}
}
