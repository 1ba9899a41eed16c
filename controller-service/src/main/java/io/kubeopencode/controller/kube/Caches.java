package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.controller.reconcile.AgentKeys;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import io.kubeopencode.service.InformerSet;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Informer caches of everything a reconcile reads: Tasks, Agents, TaskTemplates and KubeOpenCodeConfigs, and only
 * the pods KubeOpenCode labelled. Events are turned into Task keys ({@code namespace/name}).
 */
public final class Caches implements AutoCloseable {
  static final String PODS_BY_TASK = "byTask";
  static final String TASKS_BY_AGENT = "byAgent";

  final InformerSet<Task> tasks;
  final InformerSet<Agent> agents;
  final InformerSet<TaskTemplate> templates;
  final InformerSet<KubeOpenCodeConfig> configs;
  final InformerSet<Pod> pods;

  /**
   * @param namespaces namespaces to watch; empty means all
   * @param enqueue receives the key of every Task that may need a reconcile
   * @param agentChanged receives the key ({@code namespace/name}) of every Agent whose Tasks changed
   */
  public Caches(KubernetesClient client, List<String> namespaces, Duration resync, Consumer<String> enqueue,
      Consumer<String> agentChanged) {
    templates = new InformerSet<>(ns -> ns == null ? client.resources(TaskTemplate.class).inAnyNamespace()
        : client.resources(TaskTemplate.class).inNamespace(ns), namespaces, resync, Map.of(), null, null);
    agents = new InformerSet<>(ns -> ns == null ? client.resources(Agent.class).inAnyNamespace()
        : client.resources(Agent.class).inNamespace(ns), namespaces, resync, Map.of(), null,
        handler(agent -> agentChanged.accept(key(agent))));
    Function<Task, List<String>> byAgent = task -> AgentKeys.of(task, templates::get).map(List::of)
        .orElse(List.of());
    tasks = new InformerSet<>(ns -> ns == null ? client.resources(Task.class).inAnyNamespace()
        : client.resources(Task.class).inNamespace(ns), namespaces, resync, Map.of(TASKS_BY_AGENT, byAgent), null,
        new TaskEvents(enqueue, agentChanged));
    configs = new InformerSet<>(ns -> ns == null ? client.resources(KubeOpenCodeConfig.class).inAnyNamespace()
        : client.resources(KubeOpenCodeConfig.class).inNamespace(ns), namespaces, resync, Map.of(), null, null);
    Function<Pod, List<String>> byTask = pod -> ownerTask(pod).map(List::of).orElse(List.of());
    // No resync of pods: the Tasks' own resync already reconciles every Task; a second one would double the work.
    pods = new InformerSet<>(ns -> (ns == null ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns))
        .withLabel(KubeOpenCode.LABEL_MANAGED_BY, KubeOpenCode.MANAGED_BY_VALUE), namespaces, Duration.ZERO,
        Map.of(PODS_BY_TASK, byTask), null, handler(pod -> ownerTask(pod).ifPresent(enqueue)));
  }

  /** The Agent's Tasks waiting to start, oldest first (creation time, then name). */
  public List<Task> waitingFor(String agentKey) {
    return tasks.byIndex(TASKS_BY_AGENT, agentKey).stream().filter(Caches::isWaiting)
        .sorted(Comparator.comparing((Task t) -> nullToEmpty(t.getMetadata().getCreationTimestamp()))
            .thenComparing(t -> t.getMetadata().getName()))
        .toList();
  }

  /** The Agent's Tasks in phase Running. */
  public long runningFor(String agentKey) {
    return tasks.byIndex(TASKS_BY_AGENT, agentKey).stream()
        .filter(t -> t.getStatus() != null && t.getStatus().phase() == TaskPhase.Running).count();
  }

  public Optional<String> agentKeyOf(Task task) {
    return AgentKeys.of(task, templates::get);
  }

  static boolean isWaiting(Task task) {
    TaskPhase phase = task.getStatus() != null ? task.getStatus().phase() : null;
    return task.getMetadata().getDeletionTimestamp() == null
        && (phase == null || phase == TaskPhase.Pending || phase == TaskPhase.Queued);
  }

  /**
   * Queues every changed Task; when one stops holding a slot of its Agent (it finished, was deleted, or never ran),
   * also the oldest Tasks waiting for that Agent: admission follows the event, never a poll.
   */
  private final class TaskEvents implements ResourceEventHandler<Task> {
    private final Consumer<String> enqueue;
    private final Consumer<String> agentChanged;

    TaskEvents(Consumer<String> enqueue, Consumer<String> agentChanged) {
      this.enqueue = enqueue;
      this.agentChanged = agentChanged;
    }

    @Override
    public void onAdd(Task task) {
      enqueue.accept(key(task));
      agentKeyOf(task).ifPresent(agentChanged);
    }

    @Override
    public void onUpdate(Task old, Task task) {
      enqueue.accept(key(task));
      if (heldSlot(old) && !heldSlot(task)) {
        wakeWaiting(task);
      }
      if (phaseOf(old) != phaseOf(task)) {
        agentKeyOf(task).ifPresent(agentChanged);
      }
    }

    @Override
    public void onDelete(Task task, boolean deletedFinalStateUnknown) {
      enqueue.accept(key(task));
      wakeWaiting(task);
      agentKeyOf(task).ifPresent(agentChanged);
    }

    private TaskPhase phaseOf(Task task) {
      return task.getStatus() != null ? task.getStatus().phase() : null;
    }

    /** Only a limited Agent's Tasks wait for a slot: an unlimited one's never need the scan and sort. */
    private void wakeWaiting(Task task) {
      agentKeyOf(task).ifPresent(agentKey -> agent(agentKey).filter(TaskReconciler::limited).ifPresent(agent -> {
        Integer max = agent.getSpec().maxConcurrentTasks();
        int slots = max != null ? max : 1;
        waitingFor(agentKey).stream().limit(Math.max(slots, 1)).map(Caches::key).forEach(enqueue);
      }));
    }

    private boolean heldSlot(Task task) {
      return task.getStatus() != null && task.getStatus().phase() == TaskPhase.Running;
    }
  }

  private Optional<Agent> agent(String agentKey) {
    int slash = agentKey.indexOf('/');
    return agents.get(agentKey.substring(0, slash), agentKey.substring(slash + 1));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(tasks.start(), agents.start(), templates.start(), configs.start(), pods.start());
  }

  /** False once an informer stopped by itself: the caches would never change again (liveness). */
  public boolean isWatching() {
    return Stream.of(tasks, agents, templates, configs, pods).allMatch(InformerSet::isWatching);
  }

  public boolean hasSynced() {
    return tasks.hasSynced() && agents.hasSynced() && templates.hasSynced() && configs.hasSynced()
        && pods.hasSynced();
  }

  public Optional<Task> task(String key) {
    int slash = key.indexOf('/');
    return tasks.get(key.substring(0, slash), key.substring(slash + 1));
  }

  public java.util.stream.Stream<Task> allTasks() {
    return tasks.list();
  }

  static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  /** The Task of a pod ({@code namespace/name}): its annotation, which also names a Task of another namespace. */
  static Optional<String> ownerTask(Pod pod) {
    if (pod.getMetadata().getAnnotations() != null
        && pod.getMetadata().getAnnotations().get(KubeOpenCode.ANNOTATION_TASK) != null) {
      return Optional.of(pod.getMetadata().getAnnotations().get(KubeOpenCode.ANNOTATION_TASK));
    }
    return owner(pod, "Task").map(name -> pod.getMetadata().getNamespace() + "/" + name);
  }

  private static Optional<String> owner(HasMetadata object, String kind) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty()
        : owners.stream().filter(o -> kind.equals(o.getKind())).map(OwnerReference::getName).findFirst();
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        onChange.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onChange.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        onChange.accept(obj);
      }
    };
  }

  @Override
  public void close() {
    List.of(tasks, agents, templates, configs, pods).forEach(InformerSet::close);
  }
}
