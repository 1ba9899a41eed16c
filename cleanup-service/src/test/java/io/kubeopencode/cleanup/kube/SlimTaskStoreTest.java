package io.kubeopencode.cleanup.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.cleanup.TestTasks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlimTaskStoreTest {
  @Test
  void keepsWhatRetentionReadsAndDropsTheRest() {
    Task full = TestTasks.task("ns", "t", TaskPhase.Failed, "2025-06-01T12:00:00Z");
    full.getMetadata().setLabels(Map.of("a", "b"));
    full.getMetadata().setDeletionTimestamp("2025-06-01T12:05:00Z");
    Condition ready = new ConditionBuilder().withType("Ready").withStatus("False").withReason("Failed").build();
    full.setStatus(new TaskStatus(3L, TaskPhase.Failed, "job", "pod", "ns", "2025-06-01T11:00:00Z",
        "2025-06-01T12:00:00Z", null, List.of(ready), "x".repeat(16_000)));

    Task slim = SlimTaskStore.slim(full);

    assertThat(slim.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(slim.getMetadata().getName()).isEqualTo("t");
    assertThat(slim.getMetadata().getUid()).isEqualTo(full.getMetadata().getUid());
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("1");
    assertThat(slim.getMetadata().getDeletionTimestamp()).isEqualTo("2025-06-01T12:05:00Z");
    assertThat(slim.getStatus().phase()).isEqualTo(TaskPhase.Failed);
    assertThat(slim.getStatus().completionTime()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(slim.getSpec()).isNull();
    assertThat(slim.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(slim.getStatus().logTail()).isNull();
    assertThat(slim.getStatus().conditions()).isEmpty();
    assertThat(slim.getStatus().jobName()).isNull();
  }

  @Test
  void aTaskWithoutStatusStaysWithout() {
    Task task = TestTasks.newTask("ns", "new");
    assertThat(SlimTaskStore.slim(task).getStatus()).isNull();
  }

  @Test
  void storesSlimObjectsUnderTheNamespaceKey() {
    SlimTaskStore store = new SlimTaskStore();
    Task first = TestTasks.task("ns", "t", TaskPhase.Running, null);
    assertThat(store.getKey(first)).isEqualTo("ns/t");
    assertThat(store.put("ns/t", first)).isNull();
    Task second = TestTasks.task("ns", "t", TaskPhase.Completed, "2025-06-01T12:00:00Z");
    assertThat(store.put("ns/t", second).getStatus().phase()).isEqualTo(TaskPhase.Running);
    assertThat(store.get("ns/t").getSpec()).isNull();
    assertThat(store.get("ns/t").getStatus().phase()).isEqualTo(TaskPhase.Completed);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.keySet()).containsExactly("ns/t");
    assertThat(store.values()).hasSize(1);
    assertThat(store.remove("ns/t")).isNotNull();
    assertThat(store.size()).isZero();
    assertThat(store.isFullState()).isFalse();
  }
}
