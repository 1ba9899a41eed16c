package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import java.util.List;
import java.util.Optional;

/** What a reconcile may read of the cluster: the informer caches in production, plain maps in tests. */
public interface ClusterView {
  Optional<TaskTemplate> template(String namespace, String name);

  Optional<Agent> agent(String namespace, String name);

  /**
   * The TaskTemplate and Agent as the API server has them, asked only before a Task fails for their absence: the
   * caches are separate watches, so one created a moment before its Task may not be in the cache yet.
   */
  default Optional<TaskTemplate> templateUncached(String namespace, String name) {
    return template(namespace, name);
  }

  default Optional<Agent> agentUncached(String namespace, String name) {
    return agent(namespace, name);
  }

  /** The namespace's KubeOpenCodeConfig (named {@code default}). */
  Optional<KubeOpenCodeConfig> config(String namespace);

  Optional<ConfigMap> configMap(String namespace, String name);

  /** The pods of a Task (every attempt) in the namespace it runs in, any order. */
  List<Pod> podsOfTask(String runNamespace, String taskNamespace, String taskName);

  /** What the Agent is running and who waits for it (only asked for Agents with a concurrency limit). */
  AgentWorkload workload(String agentNamespace, String agentName);
}
