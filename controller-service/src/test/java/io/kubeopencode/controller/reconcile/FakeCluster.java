package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link ClusterView} for pure tests. */
final class FakeCluster implements ClusterView {
  private final Map<String, HasMetadata> objects = new HashMap<>();
  private final List<Pod> pods = new ArrayList<>();
  private final Map<String, AgentWorkload> workloads = new HashMap<>();
  private final Map<String, HasMetadata> uncached = new HashMap<>();

  /** An object the API server has but the caches do not show yet. */
  FakeCluster addUncached(HasMetadata object) {
    uncached.put(key(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
    return this;
  }

  @Override
  public Optional<Agent> agentUncached(String namespace, String name) {
    return Optional.ofNullable((Agent) uncached.get(key(Agent.class, namespace, name)));
  }

  @Override
  public Optional<TaskTemplate> templateUncached(String namespace, String name) {
    return Optional.ofNullable((TaskTemplate) uncached.get(key(TaskTemplate.class, namespace, name)));
  }

  FakeCluster workload(String agentKey, AgentWorkload workload) {
    workloads.put(agentKey, workload);
    return this;
  }

  FakeCluster add(HasMetadata object) {
    if (object instanceof Pod pod) {
      pods.add(pod);
    } else {
      objects.put(key(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
    }
    return this;
  }

  private <T> Optional<T> get(Class<T> type, String ns, String name) {
    return Optional.ofNullable(type.cast(objects.get(key(type, ns, name))));
  }

  private static String key(Class<?> type, String ns, String name) {
    return type.getSimpleName() + "/" + ns + "/" + name;
  }

  @Override
  public Optional<TaskTemplate> template(String namespace, String name) {
    return get(TaskTemplate.class, namespace, name);
  }

  @Override
  public Optional<Agent> agent(String namespace, String name) {
    return get(Agent.class, namespace, name);
  }

  @Override
  public Optional<KubeOpenCodeConfig> config(String namespace) {
    return get(KubeOpenCodeConfig.class, namespace, "default");
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return get(ConfigMap.class, namespace, name);
  }

  @Override
  public AgentWorkload workload(String agentNamespace, String agentName) {
    return workloads.getOrDefault(agentNamespace + "/" + agentName, AgentWorkload.IDLE);
  }

  @Override
  public List<Pod> podsOfTask(String runNamespace, String taskNamespace, String taskName) {
    return pods.stream().filter(p -> p.getMetadata().getNamespace().equals(runNamespace)
        && (taskNamespace + "/" + taskName).equals(p.getMetadata().getAnnotations().get("kubeopencode.io/task")))
        .toList();
  }

  /** Takes a pod away, as a deletion would. */
  FakeCluster remove(Pod pod) {
    pods.removeIf(p -> p.getMetadata().getName().equals(pod.getMetadata().getName()));
    return this;
  }
}
