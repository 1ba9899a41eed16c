package io.kubeopencode.controller.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
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

/** The containers KubeOpenCode adds to every agent pod: context-init, git-init-N and the output collector. */
final class SystemContainers {
  static final String CONTEXT_INIT = "context-init";
  static final String GIT_INIT_PREFIX = "git-init-";
  static final String OUTPUT_COLLECTOR = "output-collector";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String gitInitImage;
  private final String contextInitImage;
  private final String pullPolicy;
  private final String workspace;
  private final List<EnvVar> taskEnv;

  SystemContainers(String gitInitImage, String contextInitImage, String pullPolicy, String workspace,
      List<EnvVar> taskEnv) {
    this.gitInitImage = gitInitImage;
    this.contextInitImage = contextInitImage;
    this.pullPolicy = pullPolicy;
    this.workspace = workspace;
    this.taskEnv = taskEnv;
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
        .withVolumeMounts(workspaceMount(false), new VolumeMountBuilder().withName(AgentJobBuilder.CONTEXT_VOLUME)
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
    env.add(env(PodContract.ENV_GIT_ROOT, target.substring(0, target.lastIndexOf('/'))));
    env.add(env(PodContract.ENV_GIT_LINK, target.substring(target.lastIndexOf('/') + 1)));
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
        .withVolumeMounts(workspaceMount(false))
        .build();
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
        .withVolumeMounts(workspaceMount(true))
        .build();
  }

  private ContainerBuilder base(String name, String image, String role, List<EnvVar> env) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy(pullPolicy)
        .withArgs(role)
        .withEnv(env)
        .withSecurityContext(AgentJobBuilder.restrictedSecurityContext());
  }

  private VolumeMount workspaceMount(boolean readOnly) {
    return new VolumeMountBuilder().withName(AgentJobBuilder.WORKSPACE_VOLUME).withMountPath(workspace)
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
