package io.kubeopencode.controller.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.controller.job.ContextPlan.GitClone;
import io.kubeopencode.controller.job.ContextPlan.UrlSource;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.podcontract.OutputSpec;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.List;

/**
 * The containers KubeOpenCode adds to every agent pod: context-init, git-init-N and the output collector. They run
 * restricted (non-root, read-only root file system) and get the Agent's CA bundle and proxy.
 */
final class SystemContainers {
  static final String CONTEXT_INIT = "context-init";
  static final String GIT_INIT_PREFIX = "git-init-";
  static final String OUTPUT_COLLECTOR = "output-collector";
  /** git-init's scratch space (ssh keys): its root file system is read-only. */
  static final String TMP_VOLUME = "system-tmp";
  /** A Git context outside the workspace: its own emptyDir, mounted in git-init below {@link #OWN_VOLUME_ROOT}. */
  static final String GIT_VOLUME_PREFIX = "git-";
  static final String OWN_VOLUME_ROOT = "/kubeopencode/git";
  static final String OWN_VOLUME_LINK = "repo";
  /** A Git context at the workspace root is cloned here (same volume), then merged into the workspace. */
  static final String MERGE_STAGING = ".kubeopencode/git";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String gitInitImage;
  private final String contextInitImage;
  private final String pullPolicy;
  private final String workspace;
  private final List<EnvVar> taskEnv;
  private final TrustAndProxy trust;

  SystemContainers(String gitInitImage, String contextInitImage, String pullPolicy, String workspace,
      List<EnvVar> taskEnv, TrustAndProxy trust) {
    this.gitInitImage = gitInitImage;
    this.contextInitImage = contextInitImage;
    this.pullPolicy = pullPolicy;
    this.workspace = workspace;
    this.taskEnv = taskEnv;
    this.trust = trust;
  }

  Container contextInit(ContextPlan plan) {
    List<EnvVar> env = new ArrayList<>(taskEnv);
    env.add(env(PodContract.ENV_CONFIGMAP_PATH, PodContract.CONTEXT_MOUNT));
    env.add(env(PodContract.ENV_FILE_MAPPINGS, json(plan.fileMappings())));
    env.add(env(PodContract.ENV_DIR_MAPPINGS, json(plan.dirMappings())));
    env.add(env(PodContract.ENV_URL_CONTEXTS, json(plan.urlFetches().stream().map(UrlSource::fetch).toList())));
    for (UrlSource url : plan.urlFetches()) {
      if (url.secretName() != null) {
        String prefix = url.fetch().authEnvPrefix();
        env.add(optionalSecretEnv(prefix + PodContract.SUFFIX_TOKEN, url.secretName(), PodContract.SECRET_KEY_TOKEN));
        env.add(optionalSecretEnv(prefix + PodContract.SUFFIX_USERNAME, url.secretName(),
            PodContract.SECRET_KEY_USERNAME));
        env.add(optionalSecretEnv(prefix + PodContract.SUFFIX_PASSWORD, url.secretName(),
            PodContract.SECRET_KEY_PASSWORD));
      }
    }
    return base(CONTEXT_INIT, contextInitImage, PodContract.ROLE_CONTEXT_INIT, env)
        .addToVolumeMounts(workspaceMount(false), new VolumeMountBuilder().withName(AgentPodBuilder.CONTEXT_VOLUME)
            .withMountPath(PodContract.CONTEXT_MOUNT).withReadOnly(true).build())
        .build();
  }

  Container gitInit(GitClone clone) {
    String target = clone.targetPath();
    List<EnvVar> env = new ArrayList<>(taskEnv);
    env.add(env(PodContract.ENV_GIT_REPO, clone.repository()));
    if (clone.ref() != null) {
      env.add(env(PodContract.ENV_GIT_REF, clone.ref()));
    }
    env.add(env(PodContract.ENV_GIT_DEPTH, Integer.toString(clone.depth())));
    List<VolumeMount> mounts = new ArrayList<>(List.of(workspaceMount(false), new VolumeMountBuilder()
        .withName(TMP_VOLUME).withMountPath("/tmp").build()));
    switch (clone.placement()) {
      case IN_WORKSPACE -> {
        env.add(env(PodContract.ENV_GIT_ROOT, target.substring(0, target.lastIndexOf('/'))));
        env.add(env(PodContract.ENV_GIT_LINK, target.substring(target.lastIndexOf('/') + 1)));
      }
      case WORKSPACE_ROOT -> {
        env.add(env(PodContract.ENV_GIT_ROOT, workspace + "/" + MERGE_STAGING));
        env.add(env(PodContract.ENV_GIT_LINK, Integer.toString(clone.index())));
        env.add(env(PodContract.ENV_GIT_MERGE_INTO, workspace));
      }
      case OWN_VOLUME -> {
        String root = OWN_VOLUME_ROOT + "/" + clone.index();
        env.add(env(PodContract.ENV_GIT_ROOT, root));
        env.add(env(PodContract.ENV_GIT_LINK, OWN_VOLUME_LINK));
        env.add(env(PodContract.ENV_GIT_EXPOSED_AT, target));
        mounts.add(new VolumeMountBuilder().withName(gitVolumeName(clone)).withMountPath(root).build());
      }
    }
    if (clone.subPath() != null) {
      env.add(env(PodContract.ENV_GIT_SUBPATH, clone.subPath()));
    }
    if (clone.recurseSubmodules()) {
      env.add(env(PodContract.ENV_GIT_RECURSE_SUBMODULES, "true"));
    }
    if (clone.secretName() != null) {
      env.add(optionalSecretEnv(PodContract.ENV_GIT_USERNAME, clone.secretName(), PodContract.SECRET_KEY_USERNAME));
      env.add(optionalSecretEnv(PodContract.ENV_GIT_PASSWORD, clone.secretName(), PodContract.SECRET_KEY_PASSWORD));
      env.add(optionalSecretEnv(PodContract.ENV_GIT_SSH_KEY, clone.secretName(),
          PodContract.SECRET_KEY_SSH_PRIVATE_KEY));
      env.add(optionalSecretEnv(PodContract.ENV_GIT_SSH_KNOWN_HOSTS, clone.secretName(),
          PodContract.SECRET_KEY_SSH_KNOWN_HOSTS));
    }
    return base(GIT_INIT_PREFIX + clone.index(), gitInitImage, PodContract.ROLE_GIT_INIT, env)
        .addAllToVolumeMounts(mounts)
        .build();
  }

  /** The emptyDir of a Git context outside the workspace. */
  static Volume gitVolume(GitClone clone) {
    return new VolumeBuilder().withName(gitVolumeName(clone)).withNewEmptyDir().endEmptyDir().build();
  }

  /** How the agent sees a Git context outside the workspace: its checkout (or subpath), by subPath. */
  static VolumeMount agentGitMount(GitClone clone) {
    String subPath = clone.subPath() == null ? OWN_VOLUME_LINK
        : PodContract.GIT_HIDDEN_DIR + "/" + OWN_VOLUME_LINK + "/" + clone.subPath();
    return new VolumeMountBuilder().withName(gitVolumeName(clone)).withMountPath(clone.targetPath())
        .withSubPath(subPath).build();
  }

  static Volume tmpVolume() {
    return new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build();
  }

  private static String gitVolumeName(GitClone clone) {
    return GIT_VOLUME_PREFIX + clone.index();
  }

  /** A native sidecar: it runs until the agent has finished, then reports the outputs as its termination message. */
  Container outputCollector(List<OutputParameter> outputs, int containersInPod) {
    OutputSpec spec = new OutputSpec(outputs.stream()
        .map(p -> new OutputSpec.Parameter(p.name(), p.path(), p.defaultValue())).toList());
    List<EnvVar> env = new ArrayList<>(taskEnv);
    env.add(env(PodContract.ENV_OUTPUT_SPEC, json(spec)));
    env.add(env(PodContract.ENV_OUTPUT_MAX_BYTES, Integer.toString(OutputsCodec.maxBytesForPod(containersInPod))));
    return base(OUTPUT_COLLECTOR, contextInitImage, PodContract.ROLE_OUTPUT_COLLECTOR, env)
        .withRestartPolicy("Always")
        .withTerminationMessagePolicy("File")
        .addToVolumeMounts(workspaceMount(true))
        .build();
  }

  private ContainerBuilder base(String name, String image, String role, List<EnvVar> env) {
    List<EnvVar> all = new ArrayList<>(env);
    all.addAll(trust.systemCaEnv());
    all.addAll(trust.proxyEnv());
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy(pullPolicy)
        .withArgs(role)
        .withEnv(all)
        .withVolumeMounts(trust.mounts())
        .withSecurityContext(PodSecurity.system());
  }

  private VolumeMount workspaceMount(boolean readOnly) {
    return new VolumeMountBuilder().withName(AgentPodBuilder.WORKSPACE_VOLUME).withMountPath(workspace)
        .withReadOnly(readOnly).build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar optionalSecretEnv(String name, String secret, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
        .withOptional(true).endSecretKeyRef().endValueFrom().build();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
