package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateReference;
import io.kubeopencode.api.v1alpha1.TaskTemplateSpec;
import io.kubeopencode.controller.job.AgentPodBuilder;
import io.kubeopencode.controller.job.ContextPlan;
import io.kubeopencode.controller.job.ContextPlanner;
import io.kubeopencode.controller.job.Durations;
import io.kubeopencode.controller.job.ImageDefaults;
import io.kubeopencode.controller.job.MergedTask;
import io.kubeopencode.controller.job.Reasons;
import io.kubeopencode.controller.job.TaskFailure;
import io.kubeopencode.controller.job.TaskNames;
import io.kubeopencode.controller.job.TemplateMerge;
import io.kubeopencode.controller.reconcile.Action.CreateConfigMap;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decides what a Task needs from the whole observed state, never from the event that woke it: the same state
 * always gives the same actions, so a reconcile can run any number of times. Pure ({@link Clock} injected).
 */
public final class TaskReconciler {
  /** How long a container may fail to start (image pull, configuration, crash loop) before the Task fails. */
  public static final Duration DEFAULT_CONTAINER_START_GRACE = Duration.ofMinutes(2);

  private final ImageDefaults images;
  private final Duration containerStartGrace;
  private final Clock clock;
  private final TaskStatuses statuses;
  private final RunningTask running;

  public TaskReconciler(ImageDefaults images, Clock clock) {
    this(images, DEFAULT_CONTAINER_START_GRACE, clock);
  }

  public TaskReconciler(ImageDefaults images, Duration containerStartGrace, Clock clock) {
    this.images = images;
    this.containerStartGrace = containerStartGrace;
    this.clock = clock;
    this.statuses = new TaskStatuses(clock);
    this.running = new RunningTask(statuses, containerStartGrace, clock);
  }

  /**
   * @param podExpected this controller created the Task's current pod moments ago, so a cache that does not show it
   *     yet is behind, not a sign that the pod was lost
   */
  public List<Action> reconcile(Task task, ClusterView view, boolean podExpected) {
    TaskStatus status = task.getStatus();
    TaskPhase phase = status != null ? status.phase() : null;
    String runNamespace = runNamespace(task, view::template);
    String runName = TaskNames.runName(task, runNamespace);
    List<Pod> pods = view.podsOfTask(runNamespace, task.getMetadata().getNamespace(), task.getMetadata().getName());
    if (task.getMetadata().getDeletionTimestamp() != null || task.getSpec() == null) {
      return deleted(task, runNamespace, runName, pods);
    }
    if (phase != null && phase.isFinished()) {
      return RunningTask.releasePods(pods);
    }
    if (phase != TaskPhase.Running) {
      Optional<Pod> pod = RunningTask.current(runName, pods);
      if (pod.isPresent()) {
        return List.of(new UpdateStatus(statuses.running(task, pod.get().getMetadata().getName(), runNamespace,
            pod.get().getMetadata().getCreationTimestamp(), null)));
      }
      return RunningTask.stopRequested(task) ? stoppedBeforeStart(task) : start(task, view);
    }
    return running.decide(task, runName, pods, podExpected, (attempt, why) -> replace(task, view, attempt, why));
  }

  /**
   * Where the Task's pod runs: the Agent's namespace, known from the status once started, else from the Agent
   * reference (the Task's own namespace when that cannot be resolved).
   */
  public static String runNamespace(Task task, BiFunction<String, String, Optional<TaskTemplate>> templates) {
    TaskStatus status = task.getStatus();
    if (status != null && status.podNamespace() != null) {
      return status.podNamespace();
    }
    return AgentKeys.of(task, templates).map(k -> k.substring(0, k.indexOf('/')))
        .orElse(task.getMetadata().getNamespace());
  }

  /**
   * The API server has an Agent or TaskTemplate that the cache does not show yet (separate watches; it was created a
   * moment before the Task): look again shortly rather than fail the Task, or decide without the cache's view.
   */
  private static final List<Action> CACHE_BEHIND = List.of(new Action.RequeueAfter(Duration.ofSeconds(1)));

  /**
   * Everything a pod is built from, once the Task's references resolved; or, in {@code instead}, what to do because
   * they did not (fail the Task, or wait for the cache).
   */
  private record Prepared(AgentPodBuilder.Inputs inputs, Agent agent, String agentNamespace, String agentName,
      List<Action> instead) {
    static Prepared instead(List<Action> actions) {
      return new Prepared(null, null, null, null, actions);
    }
  }

  private Prepared prepare(Task task, ClusterView view) {
    String namespace = task.getMetadata().getNamespace();
    TaskTemplateReference templateRef = task.getSpec().taskTemplateRef();
    Optional<TaskTemplateSpec> template = Optional.empty();
    if (templateRef != null) {
      String templateNs = templateRef.namespace() != null ? templateRef.namespace() : namespace;
      Optional<TaskTemplate> found = view.template(templateNs, templateRef.name());
      if (found.isEmpty() && view.templateUncached(templateNs, templateRef.name()).isPresent()) {
        return Prepared.instead(CACHE_BEHIND);
      }
      if (found.isEmpty()) {
        return Prepared.instead(fail(task, Reasons.TEMPLATE_NOT_FOUND, "TaskTemplate " + templateNs + "/"
            + templateRef.name() + " not found"));
      }
      template = Optional.ofNullable(found.get().getSpec());
    }
    MergedTask merged = TemplateMerge.merge(task.getSpec(), template);
    AgentReference agentRef = merged.agentRef() != null ? merged.agentRef() : AgentKeys.defaultAgent();
    String agentNs = agentRef.namespace() != null ? agentRef.namespace() : namespace;
    Optional<Agent> agent = view.agent(agentNs, agentRef.name());
    if (agent.isEmpty() && view.agentUncached(agentNs, agentRef.name()).isPresent()) {
      return Prepared.instead(CACHE_BEHIND);
    }
    if (agent.isEmpty() || agent.get().getSpec() == null) {
      return Prepared.instead(fail(task, Reasons.AGENT_NOT_FOUND, "Agent " + agentNs + "/" + agentRef.name()
          + " not found" + (merged.agentRef() == null ? " (the Task names no Agent, so it runs with the Agent named '"
              + agentRef.name() + "' of its namespace)" : "")));
    }
    if (!agentNs.equals(namespace) && !NamespaceGlobs.allows(agent.get().getSpec().allowedNamespaces(), namespace)) {
      return Prepared.instead(fail(task, Reasons.NAMESPACE_NOT_ALLOWED, "Agent " + agentNs + "/" + agentRef.name()
          + " does not allow Tasks from namespace " + namespace + " (allowedNamespaces: "
          + agent.get().getSpec().allowedNamespaces() + ")"));
    }
    try {
      AgentSpec spec = agent.get().getSpec();
      ContextPlan plan = ContextPlanner.plan(new ContextPlanner.Sources(spec.workspaceDir(), agentNs, spec.contexts(),
          spec.config(), namespace, merged, RuntimeFacts.text(task, spec.workspaceDir())), view::configMap);
      // The system images are the business of the namespace the pod runs in: the Agent's.
      KubeOpenCodeConfig config = view.config(agentNs).orElse(null);
      return new Prepared(new AgentPodBuilder.Inputs(task, agentRef.name(), spec, merged, plan, images,
          config != null && config.getSpec() != null ? config.getSpec().systemImage() : null, agentNs),
          agent.get(), agentNs, agentRef.name(), null);
    } catch (TaskFailure f) {
      return Prepared.instead(fail(task, f.reason(), f.getMessage()));
    }
  }

  private List<Action> start(Task task, ClusterView view) {
    Prepared prepared = prepare(task, view);
    if (prepared.instead() != null) {
      return prepared.instead();
    }
    String namespace = task.getMetadata().getNamespace();
    Agent agent = prepared.agent();
    Admission admission = Admission.decide(namespace + "/" + task.getMetadata().getName(), prepared.agentName(),
        agent.getSpec(), limited(agent) ? view.workload(prepared.agentNamespace(), prepared.agentName())
            : AgentWorkload.IDLE, Instant.now(clock));
    if (!admission.admitted()) {
      return queued(task, admission);
    }
    AgentPodBuilder.Inputs inputs = prepared.inputs();
    Pod pod = AgentPodBuilder.pod(inputs, 0, deadlineSeconds(inputs.merged(), null));
    List<Action> actions = new ArrayList<>();
    if (!prepared.agentNamespace().equals(namespace) && !hasTaskFinalizer(task)) {
      // Before anything exists in the Agent's namespace: deleting the Task must be able to clean it up.
      actions.add(new Action.TaskFinalizer(true));
    }
    if (agent.getSpec().quota() != null) {
      actions.add(new Action.RecordStart(prepared.agentNamespace(), prepared.agentName(),
          new TaskStartRecord(task.getMetadata().getName(), namespace, statuses.now())));
    }
    // Created unconditionally: "already exists" is fine (a restart), and a GET first would cost a round trip.
    actions.add(new CreateConfigMap(AgentPodBuilder.contextConfigMap(inputs)));
    actions.add(new CreatePod(pod));
    actions.add(new UpdateStatus(statuses.running(task, pod.getMetadata().getName(), prepared.agentNamespace(), null,
        limited(agent) ? Reasons.CAPACITY_AVAILABLE : Reasons.NO_LIMITS)));
    actions.add(new RecordEvent(false, "Started", "created pod " + pod.getMetadata().getName()
        + " to run the Task with Agent " + prepared.agentName()));
    return actions;
  }

  /** The next pod of a Running Task whose pod was lost, planned again from the current Agent and contexts. */
  private List<Action> replace(Task task, ClusterView view, int attempt, String why) {
    Prepared prepared = prepare(task, view);
    if (prepared.instead() != null) {
      return prepared.instead();
    }
    AgentPodBuilder.Inputs inputs = prepared.inputs();
    Pod pod = AgentPodBuilder.pod(inputs, attempt, deadlineSeconds(inputs.merged(), task.getStatus().startTime()));
    List<Action> actions = new ArrayList<>(List.of(new CreateConfigMap(AgentPodBuilder.contextConfigMap(inputs)),
        new CreatePod(pod)));
    actions.addAll(running.replaced(task, pod.getMetadata().getName(), why));
    return actions;
  }

  /** The pod's activeDeadlineSeconds: what is left of the timeout since the Task started (at least 1 s). */
  private Long deadlineSeconds(MergedTask merged, String startTime) {
    if (merged.timeout() == null) {
      return null;
    }
    Duration left = Durations.parse(merged.timeout());
    if (startTime != null) {
      left = left.minus(Duration.between(Instant.parse(startTime), Instant.now(clock)));
    }
    return Math.max(1, left.toSeconds());
  }

  /** An Agent whose Tasks must be admitted (and so counted and serialized). */
  public static boolean limited(Agent agent) {
    if (agent.getSpec() == null) {
      return false;
    }
    // Earlier releases treated a negative limit as none.
    Integer max = agent.getSpec().maxConcurrentTasks();
    return (max != null && max > 0) || agent.getSpec().quota() != null;
  }

  private List<Action> queued(Task task, Admission admission) {
    boolean alreadyQueued = task.getStatus() != null && task.getStatus().phase() == TaskPhase.Queued;
    List<Action> actions = new ArrayList<>(List.of(new UpdateStatus(statuses.queued(task, admission))));
    if (!alreadyQueued) {
      actions.add(new RecordEvent(false, "Queued", admission.message()));
    }
    if (admission.retryAt() != null) {
      // Re-checked exactly when the oldest start that blocks it leaves the window.
      actions.add(new Action.RequeueAfter(Duration.between(Instant.now(clock), admission.retryAt()).plusMillis(100)));
    }
    return actions;
  }

  private List<Action> stoppedBeforeStart(Task task) {
    String message = "stopped by the kubeopencode.io/stop annotation before it started";
    return List.of(new UpdateStatus(statuses.stoppedBeforeStart(task, message)),
        new RecordEvent(false, Reasons.USER_STOPPED, message));
  }

  /**
   * A Task being deleted: its pods are released; a cross-namespace run, which owner references cannot reach, is
   * deleted explicitly before the Task's finalizer comes off.
   */
  private static List<Action> deleted(Task task, String runNamespace, String runName, List<Pod> pods) {
    List<Action> actions = new ArrayList<>(RunningTask.releasePods(pods));
    if (hasTaskFinalizer(task)) {
      if (!runNamespace.equals(task.getMetadata().getNamespace())) {
        actions.add(new Action.DeleteRunObjects(runNamespace, pods.stream().map(p -> p.getMetadata().getName())
            .toList(), TaskNames.contextConfigMapName(runName)));
      }
      actions.add(new Action.TaskFinalizer(false));
    }
    return actions;
  }

  private static boolean hasTaskFinalizer(Task task) {
    return task.getMetadata().getFinalizers() != null
        && task.getMetadata().getFinalizers().contains(KubeOpenCode.FINALIZER_TASK_CLEANUP);
  }

  /** The API server refused the pod (not a conflict): the Task fails with reason PodCreationError. */
  public List<Action> podCreationFailed(Task task, String message) {
    return fail(task, Reasons.POD_CREATION_ERROR, "the pod could not be created: " + message);
  }

  /** Fails a Task before or after it ran: phase Failed with the reason, and a Warning event. */
  private List<Action> fail(Task task, String reason, String message) {
    return List.of(new UpdateStatus(statuses.failed(task, reason, message)), new RecordEvent(true, reason, message));
  }
}
