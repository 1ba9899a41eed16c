package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentStatus;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.controller.reconcile.QuotaLedger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Writes Agent status: the quota ledger (a start recorded before its Job is created) and the running/queued counts.
 * Writes carry the resourceVersion they were computed from, so two writers never lose each other's update. The
 * newest Agent this controller wrote is kept, because the cache may not show it yet.
 */
final class AgentStatusWriter {
  private final KubernetesClient client;
  private final Caches caches;
  private final Clock clock;
  private final Map<String, Agent> written = new ConcurrentHashMap<>();

  AgentStatusWriter(KubernetesClient client, Caches caches, Clock clock) {
    this.client = client;
    this.caches = caches;
    this.clock = clock;
  }

  /** The newer of the cached Agent and the one last written here (by resourceVersion). */
  Optional<Agent> latest(String namespace, String name) {
    Optional<Agent> cached = caches.agents.get(namespace, name);
    Agent mine = written.get(namespace + "/" + name);
    if (mine == null) {
      return cached;
    }
    if (cached.isEmpty() || version(mine) > version(cached.get())) {
      return Optional.of(mine);
    }
    written.remove(namespace + "/" + name);
    return cached;
  }

  /** Adds a start to the ledger; false when another write came first (reconcile again). */
  boolean recordStart(String namespace, String name, TaskStartRecord start) {
    return update(namespace, name, status -> new AgentStatus(status.observedGeneration(),
        QuotaLedger.plus(status.taskStartHistory(), latest(namespace, name).orElseThrow().getSpec().quota(),
            clock.instant(), start), status.runningTasks(), status.queuedTasks(), status.conditions()));
  }

  /** Takes a start out of the ledger again (its Job was refused). */
  boolean removeStart(String namespace, String name, TaskStartRecord start) {
    return update(namespace, name, status -> new AgentStatus(status.observedGeneration(),
        QuotaLedger.minus(status.taskStartHistory(), start.taskNamespace(), start.taskName()), status.runningTasks(),
        status.queuedTasks(), status.conditions()));
  }

  /** Brings runningTasks, queuedTasks and the pruned ledger up to date; false when another write came first. */
  boolean refreshCounts(String namespace, String name) {
    String agentKey = namespace + "/" + name;
    return update(namespace, name, status -> {
      Agent agent = latest(namespace, name).orElseThrow();
      List<TaskStartRecord> ledger = agent.getSpec().quota() != null
          ? QuotaLedger.inWindow(status.taskStartHistory(), agent.getSpec().quota(), clock.instant())
          : status.taskStartHistory();
      return new AgentStatus(agent.getMetadata().getGeneration(), ledger, (int) caches.runningFor(agentKey),
          caches.waitingFor(agentKey).size(), status.conditions());
    });
  }

  private boolean update(String namespace, String name, UnaryOperator<AgentStatus> change) {
    Optional<Agent> current = latest(namespace, name);
    if (current.isEmpty() || current.get().getSpec() == null) {
      return true;
    }
    AgentStatus before = current.get().getStatus() != null ? current.get().getStatus()
        : new AgentStatus(null, null, null, null, null);
    AgentStatus after = change.apply(before);
    if (after.equals(current.get().getStatus())) {
      return true;
    }
    Agent copy = new Agent();
    copy.setMetadata(current.get().getMetadata());
    copy.setSpec(current.get().getSpec());
    copy.setStatus(after);
    try {
      written.put(namespace + "/" + name, client.resource(copy).updateStatus());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        written.remove(namespace + "/" + name);
        return false;
      }
      if (e.getCode() == 404) {
        return true;
      }
      throw e;
    }
  }

  private static long version(Agent agent) {
    try {
      return Long.parseLong(agent.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
