package io.kubeopencode.cleanup.kube;

import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.TestTasks;
import io.kubeopencode.cleanup.retention.FinishedTask;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Deletion with a resourceVersion precondition, on a real API server. */
@Tag("apiserver")
class TaskDeleterTest {
  private static String ns;
  private final TaskDeleter deleter = new TaskDeleter(client());

  @BeforeAll
  static void namespace() {
    ns = ApiServer.namespace("deleter");
  }

  @Test
  void deletesTheVersionItObserved() {
    FinishedTask observed = observe(createFinished(ns, "unchanged", Instant.now()));

    assertThat(deleter.delete(observed)).isEqualTo(TaskDeleter.Outcome.DELETED);
    assertThat(client().resources(Task.class).inNamespace(ns).withName("unchanged").get()).isNull();
  }

  @Test
  void leavesATaskThatChangedSinceItWasObserved() {
    Task task = createFinished(ns, "changed", Instant.now());
    FinishedTask observed = observe(task);
    task.setStatus(TestTasks.status(TaskPhase.Failed, Instant.now().toString()));
    Task changed = client().resource(task).updateStatus();

    assertThat(deleter.delete(observed)).isEqualTo(TaskDeleter.Outcome.CHANGED);
    Task still = client().resources(Task.class).inNamespace(ns).withName("changed").get();
    assertThat(still).isNotNull();
    assertThat(still.getMetadata().getResourceVersion()).isEqualTo(changed.getMetadata().getResourceVersion());
  }

  @Test
  void leavesATaskRecreatedUnderTheSameName() {
    FinishedTask observed = observe(createFinished(ns, "recreated", Instant.now()));
    client().resources(Task.class).inNamespace(ns).withName("recreated").delete();
    client().resources(Task.class).inNamespace(ns).withName("recreated").waitUntilCondition(t -> t == null,
        60, TimeUnit.SECONDS);
    Task again = createFinished(ns, "recreated", Instant.now());

    assertThat(deleter.delete(observed)).isEqualTo(TaskDeleter.Outcome.CHANGED);
    assertThat(client().resources(Task.class).inNamespace(ns).withName("recreated").get().getMetadata().getUid())
        .isEqualTo(again.getMetadata().getUid());
  }

  @Test
  void aTaskAlreadyGoneIsGone() {
    FinishedTask observed = observe(createFinished(ns, "gone", Instant.now()));
    client().resources(Task.class).inNamespace(ns).withName("gone").delete();

    assertThat(deleter.delete(observed)).isEqualTo(TaskDeleter.Outcome.GONE);
  }

  @Test
  void otherFailuresAreThrown() {
    FinishedTask observed = observe(createFinished(ns, "forbidden", Instant.now()));
    // A user without RBAC grants (impersonated by the admin): 403 Forbidden.
    try (KubernetesClient nobody = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
        client().getConfiguration()).withImpersonateUsername("nobody").build()).build()) {
      assertThatThrownBy(() -> new TaskDeleter(nobody).delete(observed))
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
    assertThat(client().resources(Task.class).inNamespace(ns).withName("forbidden").get()).isNotNull();
  }

  private static FinishedTask observe(Task task) {
    return FinishedTask.of(task).orElseThrow();
  }
}
