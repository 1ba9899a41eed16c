package io.kubeopencode.cleanup.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.TestTasks;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Task updates have a namespace planned again. */
class RetentionFactsTest {
  private final Task before = TestTasks.task("ns", "t", TaskPhase.Completed, "2025-06-01T12:00:00Z");

  @Test
  void changesRetentionIgnoresDoNotCount() {
    Task after = copy(before);
    after.getMetadata().setResourceVersion("2");
    after.getMetadata().setLabels(Map.of("team", "a"));
    after.setStatus(TestTasks.status(TaskPhase.Completed, "2025-06-01T12:00:00Z"));
    assertThat(CleanupLoop.sameRetentionFacts(SlimTaskStore.slim(before), after)).isTrue();
  }

  @Test
  void phaseCompletionTimeDeletionAndIdentityCount() {
    Task rerun = copy(before);
    rerun.setStatus(TestTasks.status(TaskPhase.Running, null));
    assertThat(CleanupLoop.sameRetentionFacts(before, rerun)).isFalse();

    Task retimed = copy(before);
    retimed.setStatus(TestTasks.status(TaskPhase.Completed, "2025-06-01T12:00:01Z"));
    assertThat(CleanupLoop.sameRetentionFacts(before, retimed)).isFalse();

    Task deleting = copy(before);
    deleting.getMetadata().setDeletionTimestamp("2025-06-01T12:05:00Z");
    assertThat(CleanupLoop.sameRetentionFacts(before, deleting)).isFalse();

    Task recreated = copy(before);
    recreated.getMetadata().setUid("another");
    assertThat(CleanupLoop.sameRetentionFacts(before, recreated)).isFalse();

    Task noStatus = copy(before);
    noStatus.setStatus(null);
    assertThat(CleanupLoop.sameRetentionFacts(before, noStatus)).isFalse();
    assertThat(CleanupLoop.sameRetentionFacts(noStatus, copy(noStatus))).isTrue();
  }

  private static Task copy(Task task) {
    Task copy = SlimTaskStore.slim(task);
    copy.getMetadata().setResourceVersion(task.getMetadata().getResourceVersion());
    return copy;
  }
}
