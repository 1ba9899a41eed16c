package io.kubeopencode.controller.job;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.PodScheduling;
import io.kubeopencode.api.v1alpha1.SystemImage;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a Task's Job and context ConfigMap exactly as the "Pod shape" of the API contract says. Pure. */
public final class AgentJobBuilder {
  static final String WORKSPACE_VOLUME = "workspace";
  static final String TOOLS_VOLUME = "tools";
  static final String CONTEXT_VOLUME = "context";
  static final String AGENT_CONTAINER = "agent";
  static final String OPENCODE_INIT = "opencode-init";
  static final List<String> DEFAULT_COMMAND =
      List.of("sh", "-c", "/tools/opencode run \"$(cat ${WORKSPACE_DIR}/task.md)\"");

  /** Everything the Job is built from. {@code systemImage} (the namespace's KubeOpenCodeConfig) may be null. */
  public record Inputs(Task task, String agentName, AgentSpec agent, MergedTask merged, ContextPlan plan,
      ImageDefaults images, SystemImage systemImage, String jobNamespace) {}

  private AgentJobBuilder() {}

  public static Map<String, String> labels(Inputs in) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(KubeOpenCode.LABEL_MANAGED_BY, KubeOpenCode.MANAGED_BY_VALUE);
    labels.put(KubeOpenCode.LABEL_TASK, TaskNames.fitted(in.task().getMetadata().getName(), 63));
    labels.put(KubeOpenCode.LABEL_AGENT, TaskNames.fitted(in.agentName(), 63));
    if (!in.task().getMetadata().getNamespace().equals(in.jobNamespace())) {
      labels.put(KubeOpenCode.LABEL_TASK_NAMESPACE, in.task().getMetadata().getNamespace());
    }
    return labels;
  }

  public static ConfigMap contextConfigMap(Inputs in) {
    String jobName = TaskNames.jobName(in.task(), in.jobNamespace());
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(TaskNames.contextConfigMapName(jobName))
          .withNamespace(in.jobNamespace())
          .withLabels(labels(in))
          .withOwnerReferences(owner(in))
        .endMetadata()
        .withData(in.plan().configMapData())
        .build();
  }

  /** Exact {@code namespace/name} of the Task, so any Job (even in another namespace) leads back to it. */
  private static Map<String, String> taskAnnotation(Inputs in) {
    return Map.of(KubeOpenCode.ANNOTATION_TASK, in.task().getMetadata().getNamespace() + "/"
        + in.task().getMetadata().getName());
  }

  public static Job job(Inputs in) {
    String jobName = TaskNames.jobName(in.task(), in.jobNamespace());
    String workspace = in.agent().workspaceDir();
    List<EnvVar> taskEnv = List.of(
        SystemContainers.env(PodContract.ENV_TASK_NAME, in.task().getMetadata().getName()),
        SystemContainers.env(PodContract.ENV_TASK_NAMESPACE, in.task().getMetadata().getNamespace()),
        SystemContainers.env(PodContract.ENV_WORKSPACE_DIR, workspace));
    // A namespace's KubeOpenCodeConfig image replaces every system image (it provides all roles).
    String override = in.systemImage() != null ? in.systemImage().image() : null;
    SystemContainers system = new SystemContainers(orDefault(override, in.images().gitInitImage()),
        orDefault(override, in.images().contextInitImage()), systemPullPolicy(in), workspace, taskEnv);
    CredentialMounts credentials = CredentialMounts.of(in.agent().credentials());

    List<Container> initContainers = new ArrayList<>();
    initContainers.add(new ContainerBuilder()
        .withName(OPENCODE_INIT)
        .withImage(orDefault(in.agent().agentImage(), in.images().agentImage()))
        .withVolumeMounts(mount(TOOLS_VOLUME, PodContract.TOOLS_DIR, false))
        .withSecurityContext(restrictedSecurityContext())
        .build());
    initContainers.add(system.contextInit(in.plan()));
    in.plan().gitClones().forEach(clone -> initContainers.add(system.gitInit(clone)));
    if (!in.merged().outputs().isEmpty()) {
      // Every container of the pod (init ones too, and the agent) shares the kubelet's termination-message budget.
      initContainers.add(system.outputCollector(in.merged().outputs(), initContainers.size() + 2));
    }

    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName(WORKSPACE_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName(TOOLS_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        contextVolume(in)));
    volumes.addAll(credentials.volumes());

    AgentPodSpec podSpec = in.agent().podSpec();
    PodScheduling scheduling = podSpec != null ? podSpec.scheduling() : null;
    Map<String, String> podLabels = new LinkedHashMap<>(podSpec != null ? podSpec.labels() : Map.of());
    podLabels.putAll(labels(in));

    PodSpecBuilder pod = new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withServiceAccountName(in.agent().serviceAccountName())
        .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault")
          .endSeccompProfile().endSecurityContext()
        .withInitContainers(initContainers)
        .withContainers(agentContainer(in, taskEnv, credentials))
        .withVolumes(volumes);
    if (scheduling != null) {
      pod.withNodeSelector(scheduling.nodeSelector().isEmpty() ? null : scheduling.nodeSelector())
          .withTolerations(scheduling.tolerations())
          .withAffinity(scheduling.affinity());
    }
    if (podSpec != null && podSpec.runtimeClassName() != null) {
      pod.withRuntimeClassName(podSpec.runtimeClassName());
    }

    JobBuilder job = new JobBuilder()
        .withNewMetadata()
          .withName(jobName)
          .withNamespace(in.jobNamespace())
          .withLabels(labels(in))
          .withAnnotations(taskAnnotation(in))
          .withOwnerReferences(owner(in))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          // Evictions and preemptions are retried; a failing agent never is.
          .withNewPodFailurePolicy()
            .addNewRule().withAction("Ignore").addNewOnPodCondition().withType("DisruptionTarget")
              .withStatus("True").endOnPodCondition().endRule()
          .endPodFailurePolicy()
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(podLabels)
              .withAnnotations(podSpec != null && !podSpec.annotations().isEmpty() ? podSpec.annotations() : null)
            .endMetadata()
            .withSpec(pod.build())
          .endTemplate()
        .endSpec();
    if (in.merged().timeout() != null) {
      job.editSpec().withActiveDeadlineSeconds(Math.max(1, Durations.parse(in.merged().timeout()).toSeconds()))
          .endSpec();
    }
    return job.build();
  }

  private static Container agentContainer(Inputs in, List<EnvVar> taskEnv, CredentialMounts credentials) {
    List<EnvVar> env = new ArrayList<>(List.of(SystemContainers.env("HOME", "/tmp"),
        SystemContainers.env("SHELL", "/bin/bash")));
    env.addAll(taskEnv);
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        mount(WORKSPACE_VOLUME, in.agent().workspaceDir(), false),
        mount(TOOLS_VOLUME, PodContract.TOOLS_DIR, false)));
    if (in.plan().hasAgentConfig()) {
      env.add(SystemContainers.env("OPENCODE_CONFIG", PodContract.OPENCODE_CONFIG_PATH));
      mounts.add(new VolumeMountBuilder().withName(CONTEXT_VOLUME).withMountPath(PodContract.OPENCODE_CONFIG_PATH)
          .withSubPath(in.plan().configMapPaths().get(ContextPlanner.KEY_AGENT_CONFIG)).withReadOnly(true).build());
    }
    if (!in.plan().gitClones().isEmpty()) {
      // git in the agent container must trust the clones git-init made (possibly as another user).
      env.add(SystemContainers.env("GIT_CONFIG_COUNT", "1"));
      env.add(SystemContainers.env("GIT_CONFIG_KEY_0", "include.path"));
      env.add(SystemContainers.env("GIT_CONFIG_VALUE_0", in.agent().workspaceDir() + "/" + PodContract.GIT_SHARED_CONFIG));
    }
    in.plan().agentMounts().forEach(m -> mounts.add(new VolumeMountBuilder().withName(CONTEXT_VOLUME)
        .withMountPath(m.mountPath()).withSubPath(m.volumePath()).withReadOnly(true).build()));
    env.addAll(credentials.env());
    mounts.addAll(credentials.mounts());
    AgentPodSpec podSpec = in.agent().podSpec();
    return new ContainerBuilder()
        .withName(AGENT_CONTAINER)
        .withImage(orDefault(in.agent().executorImage(), in.images().executorImage()))
        .withCommand(in.agent().command().isEmpty() ? DEFAULT_COMMAND : in.agent().command())
        .withWorkingDir(in.agent().workspaceDir())
        .withEnv(env)
        .withEnvFrom(credentials.envFrom())
        .withVolumeMounts(mounts)
        .withResources(podSpec != null ? podSpec.resources() : null)
        .withSecurityContext(restrictedSecurityContext())
        .build();
  }

  private static Volume contextVolume(Inputs in) {
    String jobName = TaskNames.jobName(in.task(), in.jobNamespace());
    List<KeyToPath> items = in.plan().configMapPaths().entrySet().stream()
        .map(e -> new KeyToPath(e.getKey(), null, e.getValue())).toList();
    return new VolumeBuilder().withName(CONTEXT_VOLUME).withNewConfigMap()
        .withName(TaskNames.contextConfigMapName(jobName)).withItems(items).endConfigMap().build();
  }

  /** Owned by the Task, so deleting the Task garbage-collects Job, pods and ConfigMap (same namespace only). */
  private static List<OwnerReference> owner(Inputs in) {
    if (!in.task().getMetadata().getNamespace().equals(in.jobNamespace())) {
      return List.of();
    }
    return List.of(new OwnerReferenceBuilder()
        .withApiVersion(KubeOpenCode.API_VERSION)
        .withKind("Task")
        .withName(in.task().getMetadata().getName())
        .withUid(in.task().getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build());
  }

  static SecurityContext restrictedSecurityContext() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
  }

  private static String systemPullPolicy(Inputs in) {
    return in.systemImage() != null && in.systemImage().imagePullPolicy() != null
        ? in.systemImage().imagePullPolicy().name() : in.images().pullPolicy();
  }

  private static String orDefault(String value, String fallback) {
    return value != null && !value.isBlank() ? value : fallback;
  }
}
