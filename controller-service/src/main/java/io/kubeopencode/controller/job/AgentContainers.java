package io.kubeopencode.controller.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.controller.job.ContextPlan.GitPlacement;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent's own containers: {@code opencode-init} (copies the agent CLI into /tools) and {@code agent}. */
final class AgentContainers {
  static final String AGENT = "agent";
  static final String OPENCODE_INIT = "opencode-init";
  static final List<String> DEFAULT_COMMAND =
      List.of("sh", "-c", "/tools/opencode run \"$(cat ${WORKSPACE_DIR}/task.md)\"");
  /** Earlier releases pulled the agent images only when missing; an Agent may say otherwise. */
  static final String DEFAULT_PULL_POLICY = "IfNotPresent";

  private final AgentSpec agent;
  private final ImageDefaults images;
  private final ContextPlan plan;
  private final TrustAndProxy trust;

  AgentContainers(AgentSpec agent, ImageDefaults images, ContextPlan plan, TrustAndProxy trust) {
    this.agent = agent;
    this.images = images;
    this.plan = plan;
    this.trust = trust;
  }

  Container opencodeInit() {
    List<VolumeMount> mounts = new ArrayList<>(List.of(mount(AgentPodBuilder.TOOLS_VOLUME, PodContract.TOOLS_DIR)));
    mounts.addAll(trust.mounts());
    List<EnvVar> env = new ArrayList<>(trust.agentCaEnv(agent.workspaceDir()));
    env.addAll(trust.proxyEnv());
    return new ContainerBuilder()
        .withName(OPENCODE_INIT)
        .withImage(orDefault(agent.agentImage(), images.agentImage()))
        .withImagePullPolicy(pullPolicy())
        .withEnv(env)
        .withVolumeMounts(mounts)
        .withSecurityContext(PodSecurity.agent(agent.podSpec()))
        .build();
  }

  Container agent(List<EnvVar> taskEnv, CredentialMounts credentials) {
    AgentPodSpec podSpec = agent.podSpec();
    List<EnvVar> extraEnv = podSpec != null ? podSpec.extraEnv() : List.of();
    List<EnvVar> env = new ArrayList<>(List.of(SystemContainers.env("HOME", "/tmp"),
        SystemContainers.env("SHELL", "/bin/bash")));
    env.addAll(taskEnv);
    List<VolumeMount> mounts = new ArrayList<>(List.of(mount(AgentPodBuilder.WORKSPACE_VOLUME, agent.workspaceDir()),
        mount(AgentPodBuilder.TOOLS_VOLUME, PodContract.TOOLS_DIR)));
    if (plan.hasAgentConfig()) {
      env.add(SystemContainers.env("OPENCODE_CONFIG", PodContract.OPENCODE_CONFIG_PATH));
      mounts.add(new VolumeMountBuilder().withName(AgentPodBuilder.CONTEXT_VOLUME)
          .withMountPath(PodContract.OPENCODE_CONFIG_PATH)
          .withSubPath(plan.configMapPaths().get(ContextPlanner.KEY_AGENT_CONFIG)).withReadOnly(true).build());
    }
    env.addAll(OpencodeEnv.of(agent.config(), plan.hasContextFile(), extraEnv));
    if (!plan.gitClones().isEmpty()) {
      // git in the agent container must trust the clones git-init made (possibly as another user).
      env.add(SystemContainers.env("GIT_CONFIG_COUNT", "1"));
      env.add(SystemContainers.env("GIT_CONFIG_KEY_0", "include.path"));
      env.add(SystemContainers.env("GIT_CONFIG_VALUE_0", agent.workspaceDir() + "/" + PodContract.GIT_SHARED_CONFIG));
    }
    env.addAll(trust.agentCaEnv(agent.workspaceDir()));
    env.addAll(trust.proxyEnv());
    plan.agentMounts().forEach(m -> mounts.add(new VolumeMountBuilder().withName(AgentPodBuilder.CONTEXT_VOLUME)
        .withMountPath(m.mountPath()).withSubPath(m.volumePath()).withReadOnly(true).build()));
    plan.gitClones().stream().filter(c -> c.placement() == GitPlacement.OWN_VOLUME)
        .forEach(c -> mounts.add(SystemContainers.agentGitMount(c)));
    mounts.addAll(trust.mounts());
    env.addAll(credentials.env());
    mounts.addAll(credentials.mounts());
    if (podSpec != null) {
      mounts.addAll(podSpec.extraVolumeMounts());
    }
    return new ContainerBuilder()
        .withName(AGENT)
        .withImage(orDefault(agent.executorImage(), images.executorImage()))
        .withImagePullPolicy(pullPolicy())
        .withCommand(agent.command().isEmpty() ? DEFAULT_COMMAND : agent.command())
        .withWorkingDir(agent.workspaceDir())
        .withEnv(withExtra(env, plan.hasContextFile() ? withoutMergedContent(extraEnv) : extraEnv))
        .withEnvFrom(credentials.envFrom())
        .withVolumeMounts(mounts)
        .withResources(podSpec != null ? podSpec.resources() : null)
        .withSecurityContext(PodSecurity.agent(podSpec))
        .build();
  }

  /** extraEnv comes last; a variable of the same name replaces ours (one entry per name). */
  private static List<EnvVar> withExtra(List<EnvVar> env, List<EnvVar> extraEnv) {
    Map<String, EnvVar> byName = new LinkedHashMap<>();
    env.forEach(e -> byName.put(e.getName(), e));
    extraEnv.forEach(e -> {
      byName.remove(e.getName());
      byName.put(e.getName(), e);
    });
    return List.copyOf(byName.values());
  }

  /** A plain OPENCODE_CONFIG_CONTENT of extraEnv was merged into ours (OpencodeEnv). */
  private static List<EnvVar> withoutMergedContent(List<EnvVar> extraEnv) {
    return extraEnv.stream().filter(e -> !(OpencodeEnv.CONFIG_CONTENT.equals(e.getName())
        && e.getValueFrom() == null)).toList();
  }

  private String pullPolicy() {
    return agent.podSpec() != null && agent.podSpec().imagePullPolicy() != null
        ? agent.podSpec().imagePullPolicy().name() : DEFAULT_PULL_POLICY;
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(false).build();
  }

  static String orDefault(String value, String fallback) {
    return value != null && !value.isBlank() ? value : fallback;
  }
}
