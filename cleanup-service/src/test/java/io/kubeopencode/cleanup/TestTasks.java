package io.kubeopencode.cleanup;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import java.time.Instant;
import java.util.UUID;

/** Task objects for tests, as the controller would have left them. */
public final class TestTasks {
  private TestTasks() {}

  /** A Task in memory (never sent to a server) with a UID and resourceVersion. */
  public static Task task(String namespace, String name, TaskPhase phase, String completionTime) {
    Task task = newTask(namespace, name);
    task.getMetadata().setUid(UUID.randomUUID().toString());
    task.getMetadata().setResourceVersion("1");
    task.setStatus(status(phase, completionTime));
    return task;
  }

  public static Task finished(String namespace, String name, Instant completed) {
    return task(namespace, name, TaskPhase.Completed, completed.toString());
  }

  /** A Task to create: spec only. */
  public static Task newTask(String namespace, String name) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    task.setSpec(new TaskSpec("Clean up after me.", null, AgentReference.of("agent"), null, null, null));
    return task;
  }

  public static TaskStatus status(TaskPhase phase, String completionTime) {
    return new TaskStatus(1L, phase, phase == null ? null : "job", null, null, null, completionTime, null, null,
        null);
  }
}
