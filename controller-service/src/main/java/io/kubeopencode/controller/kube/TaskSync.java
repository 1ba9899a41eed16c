package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.controller.job.Reasons;
import io.kubeopencode.controller.reconcile.Action.CaptureLogTail;
import io.kubeopencode.controller.reconcile.Action.CreateConfigMap;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.DeletePod;
import io.kubeopencode.controller.reconcile.Action.DeleteRunObjects;
import io.kubeopencode.controller.reconcile.Action.PodFinalizer;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.RecordStart;
import io.kubeopencode.controller.reconcile.Action.RequeueAfter;
import io.kubeopencode.controller.reconcile.Action.TaskFinalizer;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import io.kubeopencode.controller.reconcile.Action;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reconciles one Task key: reads the Task from the cache, asks the pure {@link TaskReconciler} what to do and
 * carries out its actions. Creates tolerate "already exists" (a restarted controller finds its own objects); status
 * writes use the observed resourceVersion, so a stale view loses and is retried instead of overwriting.
 */
final class TaskSync {
  private static final System.Logger LOG = System.getLogger(TaskSync.class.getName());
  /** How long a created pod may be missing from the cache before its absence means it was lost. */
  static final Duration EXPECTATION_TTL = Duration.ofSeconds(60);

  /** A pod this controller created moments ago. */
  private record ExpectedPod(String name, Instant created) {}

  private final KubernetesClient client;
  private final Caches caches;
  private final CachedClusterView view;
  private final TaskReconciler reconciler;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final Map<String, ExpectedPod> podsExpected = new ConcurrentHashMap<>();
  private final Admissions admissions = new Admissions();
  private final AgentStatusWriter agentStatus;
  private final PodLogs logs;
  private final TaskEventRecorder events;

  TaskSync(KubernetesClient client, Caches caches, TaskReconciler reconciler, ControllerMetrics metrics,
      Clock clock) {
    this.client = client;
    this.caches = caches;
    this.agentStatus = new AgentStatusWriter(client, caches, clock);
    this.logs = new PodLogs(client);
    this.view = new CachedClusterView(caches, client, admissions, agentStatus);
    this.reconciler = reconciler;
    this.metrics = metrics;
    this.clock = clock;
    this.events = new TaskEventRecorder(client, metrics, clock);
  }

  /**
   * @return when the key needs another pass: soon after a lost write race, or at a deadline the decision named;
   *     empty when the next event will do
   */
  Optional<Duration> sync(String key) {
    Task task = caches.task(key).orElse(null);
    if (task == null) {
      podsExpected.remove(key);
      return Optional.empty();
    }
    // Admissions of a limited Agent are decided one at a time, so no two workers hand out the same slot.
    Optional<String> agentKey = caches.agentKeyOf(task).filter(this::limited);
    ReentrantLock lock = agentKey.map(admissions::lock).orElse(null);
    if (lock != null) {
      lock.lock();
    }
    try {
      return syncLocked(key, task, agentKey);
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  private boolean limited(String agentKey) {
    int slash = agentKey.indexOf('/');
    return view.agent(agentKey.substring(0, slash), agentKey.substring(slash + 1))
        .map(TaskReconciler::limited).orElse(false);
  }

  private Optional<Duration> syncLocked(String key, Task task, Optional<String> agentKey) {
    List<Action> actions = reconciler.reconcile(task, view, podExpected(key, task));
    Optional<Duration> requeue = Optional.empty();
    Task current = task;
    String logTail = null;
    RecordStart recordedStart = null;
    for (Action action : actions) {
      switch (action) {
        case RecordStart a -> {
          if (!agentStatus.recordStart(a.agentNamespace(), a.agentName(), a.start())) {
            return Optional.of(TaskController.CONFLICT_RETRY);
          }
          recordedStart = a;
        }
        case CreateConfigMap a -> createIgnoringConflict(() -> client.resource(a.configMap()).create());
        case CreatePod a -> {
          if (!createPod(a, key, current, recordedStart)) {
            return Optional.empty();
          }
          Task admittedTask = current;
          agentKey.ifPresent(agent -> {
            admissions.admitted(agent, key);
            metrics.admitted(agent, Duration.between(Instant.parse(
                admittedTask.getMetadata().getCreationTimestamp()), clock.instant()));
          });
        }
        case DeletePod a -> {
          deleteIgnoringAbsence(() -> client.pods().inNamespace(a.namespace()).withName(a.name()).delete());
          LOG.log(System.Logger.Level.INFO, "task {0}: deleting pod {1} to stop the agent", key, a.name());
        }
        case PodFinalizer a -> setPodFinalizer(a);
        case TaskFinalizer a -> {
          Task updated = setTaskFinalizer(current, a.present());
          if (updated == null) {
            return Optional.of(TaskController.CONFLICT_RETRY);
          }
          current = updated;
        }
        case DeleteRunObjects a -> {
          a.pods().forEach(pod -> deleteIgnoringAbsence(() -> client.pods().inNamespace(a.namespace())
              .withName(pod).delete()));
          deleteIgnoringAbsence(() -> client.configMaps().inNamespace(a.namespace()).withName(a.configMapName())
              .delete());
          LOG.log(System.Logger.Level.INFO, "task {0}: deleted pods {1} and ConfigMap {2} in {3} with the Task", key,
              a.pods(), a.configMapName(), a.namespace());
        }
        case RequeueAfter a -> requeue = Optional.of(a.delay());
        case CaptureLogTail a -> logTail = logs.tail(a.namespace(), a.pod(), a.container()).orElse(null);
        default -> {
          if (action instanceof UpdateStatus update && agentKey.isPresent() && quotaWait(current, update)) {
            metrics.quotaRejected(agentKey.get());
          }
          if (action instanceof UpdateStatus update && logTail != null) {
            action = new UpdateStatus(withLogTail(update.status(), logTail));
          }
          if (!apply(current, action, key)) {
            return Optional.of(TaskController.CONFLICT_RETRY);
          }
        }
      }
    }
    return requeue;
  }

  /**
   * Creates a pod ("already exists": a restart created it before). False when the API server refused it: the Task
   * has then failed and its quota start was given back.
   */
  private boolean createPod(CreatePod a, String key, Task task, RecordStart recordedStart) {
    try {
      client.resource(a.pod()).create();
      metrics.podCreated();
      LOG.log(System.Logger.Level.INFO, "task {0}: created pod {1}", key, a.pod().getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429) {
          LOG.log(System.Logger.Level.WARNING, "task {0}: pod refused by the API server: {1}", key, e.getMessage());
          if (recordedStart != null) {
            rollBack(recordedStart);
          }
          reconciler.podCreationFailed(task, e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage())
              .forEach(failure -> apply(task, failure, key));
          return false;
        }
        throw e;
      }
    }
    podsExpected.put(key, new ExpectedPod(a.pod().getMetadata().getName(), clock.instant()));
    return true;
  }

  private static io.kubeopencode.api.v1alpha1.TaskStatus withLogTail(io.kubeopencode.api.v1alpha1.TaskStatus s,
      String logTail) {
    return new io.kubeopencode.api.v1alpha1.TaskStatus(s.observedGeneration(), s.phase(), s.jobName(), s.podName(),
        s.podNamespace(), s.startTime(), s.completionTime(), s.outputs(), s.conditions(), logTail);
  }

  /** A Task that starts waiting for its Agent's quota now. */
  private static boolean quotaWait(Task task, UpdateStatus update) {
    boolean wasQueued = task.getStatus() != null && task.getStatus().phase() == TaskPhase.Queued;
    return !wasQueued && update.status().phase() == TaskPhase.Queued && update.status().conditions().stream()
        .anyMatch(c -> Reasons.QUOTA_EXCEEDED.equals(c.getReason()));
  }

  /** Stops posting Events, waiting briefly for those already handed over. */
  void close() {
    events.close();
  }

  /** A start whose pod was refused does not count against the quota. */
  private void rollBack(RecordStart start) {
    for (int attempt = 0; attempt < 5; attempt++) {
      if (agentStatus.removeStart(start.agentNamespace(), start.agentName(), start.start())) {
        return;
      }
    }
    LOG.log(System.Logger.Level.WARNING, "could not take the start of {0}/{1} out of Agent {2}''s ledger",
        start.start().taskNamespace(), start.start().taskName(), start.agentName());
  }

  /** Keeps an Agent's running/queued counts current; false when it must be tried again. */
  boolean syncAgent(String agentKey) {
    int slash = agentKey.indexOf('/');
    ReentrantLock lock = admissions.lock(agentKey);
    lock.lock();
    try {
      return agentStatus.refreshCounts(agentKey.substring(0, slash), agentKey.substring(slash + 1));
    } finally {
      lock.unlock();
    }
  }

  /** Adds or removes the Task's cleanup finalizer with the observed resourceVersion; null when it lost a race. */
  private Task setTaskFinalizer(Task task, boolean present) {
    List<String> finalizers = new java.util.ArrayList<>(task.getMetadata().getFinalizers() == null ? List.of()
        : task.getMetadata().getFinalizers());
    finalizers.remove(KubeOpenCode.FINALIZER_TASK_CLEANUP);
    if (present) {
      finalizers.add(KubeOpenCode.FINALIZER_TASK_CLEANUP);
    }
    Task copy = new Task();
    copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(task.getMetadata())
        .withFinalizers(finalizers).build());
    copy.setSpec(task.getSpec());
    copy.setStatus(task.getStatus());
    try {
      Task updated = client.resource(copy).update();
      updated.setStatus(task.getStatus());
      return updated;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      if (e.getCode() == 404) {
        return task;
      }
      throw e;
    }
  }

  private static void deleteIgnoringAbsence(Runnable delete) {
    try {
      delete.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void setPodFinalizer(PodFinalizer a) {
    try {
      client.pods().inNamespace(a.namespace()).withName(a.pod()).edit(pod -> {
        List<String> finalizers = new java.util.ArrayList<>(pod.getMetadata().getFinalizers() == null ? List.of()
            : pod.getMetadata().getFinalizers());
        finalizers.remove(KubeOpenCode.FINALIZER_COLLECT_OUTPUTS);
        if (a.present()) {
          finalizers.add(KubeOpenCode.FINALIZER_COLLECT_OUTPUTS);
        }
        pod.getMetadata().setFinalizers(finalizers);
        return pod;
      });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** Carries out a status update or event; false when the status write lost a race. */
  private boolean apply(Task task, Action action, String key) {
    if (action instanceof UpdateStatus update) {
      if (update.status().equals(task.getStatus())) {
        return true;
      }
      Task copy = new Task();
      copy.setMetadata(task.getMetadata());
      copy.setSpec(task.getSpec());
      copy.setStatus(update.status());
      try {
        client.resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 || e.getCode() == 404) {
          return false;
        }
        throw e;
      }
      LOG.log(System.Logger.Level.INFO, "task {0}: {1} ({2})", key, update.status().phase(),
          update.status().conditions().isEmpty() ? "" : update.status().conditions().getFirst().getReason());
    } else if (action instanceof RecordEvent event) {
      // Off the worker thread: an Event is best effort and must not delay the next Task.
      events.record(task, event);
    }
    return true;
  }

  /** A pod created moments ago that the cache does not show yet; once it does, or after the TTL, forgotten. */
  private boolean podExpected(String key, Task task) {
    ExpectedPod expected = podsExpected.get(key);
    if (expected == null) {
      return false;
    }
    String runNamespace = TaskReconciler.runNamespace(task, view::template);
    boolean visible = view.podsOfTask(runNamespace, task.getMetadata().getNamespace(), task.getMetadata().getName())
        .stream().anyMatch(p -> p.getMetadata().getName().equals(expected.name()));
    if (visible || Duration.between(expected.created(), clock.instant()).compareTo(EXPECTATION_TTL) > 0) {
      podsExpected.remove(key);
      return false;
    }
    return true;
  }

  private static void createIgnoringConflict(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
