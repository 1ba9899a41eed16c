package io.kubeopencode.controller.job;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.PodScheduling;
import io.kubeopencode.api.v1alpha1.SystemImage;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.controller.job.ContextPlan.AgentMount;
import io.kubeopencode.controller.job.ContextPlan.GitPlacement;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a Task's pod and context ConfigMap exactly as the "Pod shape" of the API contract says. Pure. */
public final class AgentPodBuilder {
  static final String WORKSPACE_VOLUME = "workspace";
  static final String TOOLS_VOLUME = "tools";
  static final String CONTEXT_VOLUME = "context";

  /**
   * Everything the pod is built from. {@code systemImage} (the KubeOpenCodeConfig of the namespace the pod runs in)
   * may be null.
   */
  public record Inputs(Task task, String agentName, AgentSpec agent, MergedTask merged, ContextPlan plan,
      ImageDefaults images, SystemImage systemImage, String runNamespace) {}

  private AgentPodBuilder() {}

  /** The controller's labels: on the pod and the context ConfigMap; an Agent's labels never replace them. */
  public static Map<String, String> labels(Inputs in) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(KubeOpenCode.LABEL_APP, KubeOpenCode.APP_VALUE);
    labels.put(KubeOpenCode.LABEL_MANAGED_BY, KubeOpenCode.MANAGED_BY_VALUE);
    labels.put(KubeOpenCode.LABEL_TASK, TaskNames.fitted(in.task().getMetadata().getName(), 63));
    labels.put(KubeOpenCode.LABEL_AGENT, TaskNames.fitted(in.agentName(), 63));
    if (!in.task().getMetadata().getNamespace().equals(in.runNamespace())) {
      labels.put(KubeOpenCode.LABEL_TASK_NAMESPACE, in.task().getMetadata().getNamespace());
    }
    return labels;
  }

  public static ConfigMap contextConfigMap(Inputs in) {
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(TaskNames.contextConfigMapName(runName(in)))
          .withNamespace(in.runNamespace())
          .withLabels(labels(in))
          .withOwnerReferences(owner(in))
        .endMetadata()
        .withData(in.plan().configMapData())
        .build();
  }

  /** Exact {@code namespace/name} of the Task, so any pod (even in another namespace) leads back to it. */
  private static Map<String, String> taskAnnotation(Inputs in) {
    return Map.of(KubeOpenCode.ANNOTATION_TASK, in.task().getMetadata().getNamespace() + "/"
        + in.task().getMetadata().getName());
  }

  /**
   * The pod of one attempt. {@code activeDeadlineSeconds} is what is left of the Task's timeout (null: none): the
   * kubelet ends the pod then, even when the controller is down.
   */
  public static Pod pod(Inputs in, int attempt, Long activeDeadlineSeconds) {
    AgentPodSpec podSpec = in.agent().podSpec();
    Map<String, String> podLabels = new LinkedHashMap<>(podSpec != null ? podSpec.labels() : Map.of());
    podLabels.putAll(labels(in));
    Map<String, String> annotations = new LinkedHashMap<>(podSpec != null ? podSpec.annotations() : Map.of());
    annotations.putAll(taskAnnotation(in));
    PodSpec spec = podSpec(in);
    spec.setActiveDeadlineSeconds(activeDeadlineSeconds);
    return new PodBuilder()
        .withNewMetadata()
          .withName(TaskNames.podName(runName(in), attempt))
          .withNamespace(in.runNamespace())
          .withLabels(podLabels)
          .withAnnotations(annotations)
          .withOwnerReferences(owner(in))
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /** What the Task's objects are named after. */
  public static String runName(Inputs in) {
    return TaskNames.runName(in.task(), in.runNamespace());
  }

  private static PodSpec podSpec(Inputs in) {
    String workspace = in.agent().workspaceDir();
    List<EnvVar> taskEnv = List.of(
        SystemContainers.env(PodContract.ENV_TASK_NAME, in.task().getMetadata().getName()),
        SystemContainers.env(PodContract.ENV_TASK_NAMESPACE, in.task().getMetadata().getNamespace()),
        SystemContainers.env(PodContract.ENV_WORKSPACE_DIR, workspace));
    AgentPodSpec podSpec = in.agent().podSpec();
    TrustAndProxy trust = TrustAndProxy.of(podSpec);
    // A namespace's KubeOpenCodeConfig image replaces every system image (it provides all roles).
    String override = in.systemImage() != null ? in.systemImage().image() : null;
    SystemContainers system = new SystemContainers(AgentContainers.orDefault(override, in.images().gitInitImage()),
        AgentContainers.orDefault(override, in.images().contextInitImage()), systemPullPolicy(in), workspace,
        taskEnv, trust);
    AgentContainers agent = new AgentContainers(in.agent(), in.images(), in.plan(), trust);
    CredentialMounts credentials = CredentialMounts.of(in.agent().credentials());

    List<Container> initContainers = new ArrayList<>();
    initContainers.add(agent.opencodeInit());
    initContainers.add(system.contextInit(in.plan()));
    in.plan().gitClones().forEach(clone -> initContainers.add(system.gitInit(clone)));
    if (!in.plan().outputs().isEmpty()) {
      // Every container of the pod (init ones too, and the agent) shares the kubelet's termination-message budget.
      initContainers.add(system.outputCollector(in.plan().outputs(), initContainers.size() + 2));
    }
    PodSpecBuilder pod = new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withServiceAccountName(in.agent().serviceAccountName())
        .withSecurityContext(PodSecurity.pod(podSpec))
        .withInitContainers(initContainers)
        .withContainers(agent.agent(taskEnv, credentials))
        .withVolumes(volumes(in, trust, credentials));
    if (podSpec != null) {
      PodScheduling scheduling = podSpec.scheduling();
      if (scheduling != null) {
        pod.withNodeSelector(scheduling.nodeSelector().isEmpty() ? null : scheduling.nodeSelector())
            .withTolerations(scheduling.tolerations())
            .withAffinity(scheduling.affinity());
      }
      pod.withRuntimeClassName(podSpec.runtimeClassName())
          .withImagePullSecrets(podSpec.imagePullSecrets().isEmpty() ? null : podSpec.imagePullSecrets());
    }
    return pod.build();
  }

  private static List<Volume> volumes(Inputs in, TrustAndProxy trust, CredentialMounts credentials) {
    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName(WORKSPACE_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName(TOOLS_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        contextVolume(in)));
    if (!in.plan().gitClones().isEmpty()) {
      volumes.add(SystemContainers.tmpVolume());
    }
    in.plan().gitClones().stream().filter(c -> c.placement() == GitPlacement.OWN_VOLUME)
        .forEach(c -> volumes.add(SystemContainers.gitVolume(c)));
    volumes.addAll(credentials.volumes());
    volumes.addAll(trust.volumes());
    if (in.agent().podSpec() != null) {
      volumes.addAll(in.agent().podSpec().extraVolumes());
    }
    return volumes;
  }

  /** The context ConfigMap; files mounted outside the workspace carry their mode here (context-init sets the rest). */
  private static Volume contextVolume(Inputs in) {
    Map<String, Integer> modes = new HashMap<>();
    for (AgentMount m : in.plan().agentMounts()) {
      if (m.mode() != null) {
        modes.put(m.volumePath(), m.mode());
      }
    }
    List<KeyToPath> items = in.plan().configMapPaths().entrySet().stream()
        .map(e -> new KeyToPath(e.getKey(), modes.get(e.getValue()), e.getValue())).toList();
    return new VolumeBuilder().withName(CONTEXT_VOLUME).withNewConfigMap()
        .withName(TaskNames.contextConfigMapName(runName(in))).withItems(items).endConfigMap().build();
  }

  /** Owned by the Task, so deleting the Task garbage-collects its pods and ConfigMap (same namespace only). */
  private static List<OwnerReference> owner(Inputs in) {
    if (!in.task().getMetadata().getNamespace().equals(in.runNamespace())) {
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

  private static String systemPullPolicy(Inputs in) {
    return in.systemImage() != null && in.systemImage().imagePullPolicy() != null
        ? in.systemImage().imagePullPolicy().name() : in.images().pullPolicy();
  }
}
