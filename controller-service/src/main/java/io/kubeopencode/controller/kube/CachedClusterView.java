package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.controller.reconcile.AgentWorkload;
import io.kubeopencode.controller.reconcile.ClusterView;
import java.util.List;
import java.util.Optional;

/**
 * The cluster as the informer caches see it. The exceptions: users' ConfigMaps named by contexts are read with a GET
 * when a Task starts (once per Task), because caching every ConfigMap of the cluster would cost far more memory than
 * those few reads; and an Agent or TaskTemplate the cache does not have is asked for once before its Task fails.
 */
final class CachedClusterView implements ClusterView {
  private final Caches caches;
  private final KubernetesClient client;
  private final Admissions admissions;
  private final AgentStatusWriter agentStatus;

  CachedClusterView(Caches caches, KubernetesClient client, Admissions admissions, AgentStatusWriter agentStatus) {
    this.caches = caches;
    this.client = client;
    this.admissions = admissions;
    this.agentStatus = agentStatus;
  }

  @Override
  public Optional<TaskTemplate> template(String namespace, String name) {
    return caches.templates.get(namespace, name);
  }

  @Override
  public Optional<Agent> agent(String namespace, String name) {
    return agentStatus.latest(namespace, name);
  }

  @Override
  public Optional<TaskTemplate> templateUncached(String namespace, String name) {
    return Optional.ofNullable(client.resources(TaskTemplate.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<Agent> agentUncached(String namespace, String name) {
    return Optional.ofNullable(client.resources(Agent.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<KubeOpenCodeConfig> config(String namespace) {
    return caches.configs.get(namespace, KubeOpenCode.CONFIG_NAME);
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<Pod> podsOfTask(String runNamespace, String taskNamespace, String taskName) {
    return caches.pods.byIndex(Caches.PODS_BY_TASK, taskNamespace + "/" + taskName).stream()
        .filter(p -> runNamespace.equals(p.getMetadata().getNamespace())).toList();
  }

  @Override
  public AgentWorkload workload(String agentNamespace, String agentName) {
    String agentKey = agentNamespace + "/" + agentName;
    long running = caches.runningFor(agentKey) + admissions.notYetVisible(agentKey, caches);
    List<io.kubeopencode.api.v1alpha1.TaskStartRecord> starts = agentStatus.latest(agentNamespace, agentName)
        .map(a -> a.getStatus() != null ? a.getStatus().taskStartHistory() : List.<io.kubeopencode.api.v1alpha1
            .TaskStartRecord>of()).orElse(List.of());
    return new AgentWorkload((int) running, caches.waitingFor(agentKey).stream().map(Caches::key).toList(), starts);
  }
}
