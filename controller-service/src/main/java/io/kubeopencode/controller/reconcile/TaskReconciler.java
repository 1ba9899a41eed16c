package io.kubeopencode.controller.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import io.kubeopencode.controller.job.AgentJobBuilder;
import io.kubeopencode.controller.job.ContextPlan;
import io.kubeopencode.controller.job.ContextPlanner;
import io.kubeopencode.controller.job.ImageDefaults;
import io.kubeopencode.controller.job.MergedTask;
import io.kubeopencode.controller.job.Reasons;
import io.kubeopencode.controller.job.TaskFailure;
import io.kubeopencode.controller.job.TaskNames;
import io.kubeopencode.controller.job.TemplateMerge;
import io.kubeopencode.controller.reconcile.Action.CreateConfigMap;
import io.kubeopencode.controller.reconcile.Action.CreateJob;
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
   * @param jobExpected this controller created the Job moments ago, so a cache that does not show it yet is behind,
   *     not a sign that the Job was deleted
   */
  public List<Action> reconcile(Task task, ClusterView view, boolean jobExpected) {
    TaskStatus status = task.getStatus();
    TaskPhase phase = status != null ? status.phase() : null;
    String runNamespace = runNamespace(task, view::template);
    String jobName = TaskNames.jobName(task, runNamespace);
    List<Pod> pods = view.podsOfJob(runNamespace, jobName);
    if (task.getMetadata().getDeletionTimestamp() != null || task.getSpec() == null) {
      return deleted(task, runNamespace, jobName, pods);
    }
    if (phase != null && phase.isFinished()) {
      return RunningTask.releasePods(pods);
    }
    Optional<Job> job = view.job(runNamespace, jobName);
    if (phase != TaskPhase.Running) {
      if (job.isPresent()) {
        return List.of(new UpdateStatus(statuses.running(task, job.get().getMetadata().getName(), runNamespace,
            job.get().getMetadata().getCreationTimestamp(), null)));
      }
      return RunningTask.stopRequested(task) ? stoppedBeforeStart(task) : start(task, view);
    }
    if (job.isEmpty()) {
      return jobExpected ? List.of() : fail(task, Reasons.JOB_DELETED, "Job " + runNamespace + "/"
          + status.jobName() + " was deleted while the Task was running");
    }
    return running.decide(task, job.get(), pods);
  }

  /**
   * Where the Task's Job runs: the Agent's namespace, known from the status once started, else from the Agent
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

  private List<Action> start(Task task, ClusterView view) {
    String namespace = task.getMetadata().getNamespace();
    TaskTemplateReference templateRef = task.getSpec().taskTemplateRef();
    Optional<TaskTemplateSpec> template = Optional.empty();
    if (templateRef != null) {
      String templateNs = templateRef.namespace() != null ? templateRef.namespace() : namespace;
      Optional<TaskTemplate> found = view.template(templateNs, templateRef.name());
      if (found.isEmpty()) {
        return fail(task, Reasons.TEMPLATE_NOT_FOUND, "TaskTemplate " + templateNs + "/" + templateRef.name()
            + " not found");
      }
      template = Optional.ofNullable(found.get().getSpec());
    }
    MergedTask merged = TemplateMerge.merge(task.getSpec(), template);
    AgentReference agentRef = merged.agentRef() != null ? merged.agentRef() : AgentKeys.defaultAgent();
    String agentNs = agentRef.namespace() != null ? agentRef.namespace() : namespace;
    Optional<Agent> agent = view.agent(agentNs, agentRef.name());
    if (agent.isEmpty() || agent.get().getSpec() == null) {
      return fail(task, Reasons.AGENT_NOT_FOUND, "Agent " + agentNs + "/" + agentRef.name() + " not found"
          + (merged.agentRef() == null ? " (the Task names no Agent, so it runs with the Agent named '"
              + agentRef.name() + "' of its namespace)" : ""));
    }
    boolean crossNamespace = !agentNs.equals(namespace);
    if (crossNamespace && !NamespaceGlobs.allows(agent.get().getSpec().allowedNamespaces(), namespace)) {
      return fail(task, Reasons.NAMESPACE_NOT_ALLOWED, "Agent " + agentNs + "/" + agentRef.name()
          + " does not allow Tasks from namespace " + namespace + " (allowedNamespaces: "
          + agent.get().getSpec().allowedNamespaces() + ")");
    }
    AgentJobBuilder.Inputs inputs;
    try {
      AgentSpec spec = agent.get().getSpec();
      ContextPlan plan = ContextPlanner.plan(new ContextPlanner.Sources(spec.workspaceDir(), agentNs, spec.contexts(),
          spec.config(), namespace, merged, RuntimeFacts.text(task, spec.workspaceDir())), view::configMap);
      // The system images are the business of the namespace the pod runs in: the Agent's.
      KubeOpenCodeConfig config = view.config(agentNs).orElse(null);
      inputs = new AgentJobBuilder.Inputs(task, agentRef.name(), agent.get().getSpec(), merged, plan, images,
          config != null && config.getSpec() != null ? config.getSpec().systemImage() : null, agentNs);
    } catch (TaskFailure f) {
      return fail(task, f.reason(), f.getMessage());
    }
    Admission admission = Admission.decide(namespace + "/" + task.getMetadata().getName(), agentRef.name(),
        agent.get().getSpec(), limited(agent.get()) ? view.workload(agentNs, agentRef.name()) : AgentWorkload.IDLE,
        Instant.now(clock));
    if (!admission.admitted()) {
      return queued(task, admission);
    }
    ConfigMap configMap = AgentJobBuilder.contextConfigMap(inputs);
    Job job = AgentJobBuilder.job(inputs);
    List<Action> actions = new ArrayList<>();
    if (crossNamespace && !hasTaskFinalizer(task)) {
      // Before anything exists in the Agent's namespace: deleting the Task must be able to clean it up.
      actions.add(new Action.TaskFinalizer(true));
    }
    if (agent.get().getSpec().quota() != null) {
      actions.add(new Action.RecordStart(agentNs, agentRef.name(), new TaskStartRecord(task.getMetadata().getName(),
          namespace, statuses.now())));
    }
    // Created unconditionally: "already exists" is fine (a restart), and a GET first would cost a round trip.
    actions.add(new CreateConfigMap(configMap));
    actions.add(new CreateJob(job));
    actions.add(new UpdateStatus(statuses.running(task, job.getMetadata().getName(), agentNs, null,
        limited(agent.get()) ? Reasons.CAPACITY_AVAILABLE : Reasons.NO_LIMITS)));
    actions.add(new RecordEvent(false, "Started", "created Job " + job.getMetadata().getName()
        + " to run the Task with Agent " + agentRef.name()));
    return actions;
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
  private static List<Action> deleted(Task task, String runNamespace, String jobName, List<Pod> pods) {
    List<Action> actions = new ArrayList<>(RunningTask.releasePods(pods));
    if (hasTaskFinalizer(task)) {
      if (!runNamespace.equals(task.getMetadata().getNamespace())) {
        actions.add(new Action.DeleteRunObjects(runNamespace, jobName, TaskNames.contextConfigMapName(jobName)));
      }
      actions.add(new Action.TaskFinalizer(false));
    }
    return actions;
  }

  private static boolean hasTaskFinalizer(Task task) {
    return task.getMetadata().getFinalizers() != null
        && task.getMetadata().getFinalizers().contains(KubeOpenCode.FINALIZER_TASK_CLEANUP);
  }

  /** The API server refused the Job (not a conflict): the Task fails with reason JobCreationError. */
  public List<Action> jobCreationFailed(Task task, String message) {
    return fail(task, Reasons.JOB_CREATION_ERROR, "the Job could not be created: " + message);
  }

  /** Fails a Task before or after it ran: phase Failed with the reason, and a Warning event. */
  private List<Action> fail(Task task, String reason, String message) {
    return List.of(new UpdateStatus(statuses.failed(task, reason, message)), new RecordEvent(true, reason, message));
  }


}
