package io.kubeopencode.cleanup.retention;

import static io.kubeopencode.cleanup.TestTasks.finished;
import static io.kubeopencode.cleanup.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.bench.RetentionSelectorBenchmark;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionSelectorTest {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private final RetentionSelector selector = new RetentionSelector(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void ttlSelectsATaskExactlyWhenItExpires() {
    List<Task> tasks = List.of(
        finished("ns", "old", NOW.minusSeconds(3600)),
        finished("ns", "just-expired", NOW.minusSeconds(60)),
        finished("ns", "one-ms-left", NOW.minusSeconds(60).plusMillis(1)),
        finished("ns", "fresh", NOW.minusSeconds(5)));

    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(Duration.ofSeconds(60), null));

    assertThat(names(plan)).containsExactly("old", "just-expired");
    assertThat(plan.deletions()).allSatisfy(d -> assertThat(d.rules()).containsExactly(RetentionRule.TTL));
    assertThat(plan.nextExpiry()).contains(NOW.plusMillis(1));
  }

  @Test
  void ttlZeroDeletesEveryFinishedTaskAtOnce() {
    RetentionPlan plan = selector.plan(List.of(finished("ns", "a", NOW), finished("ns", "b", NOW.plusSeconds(1))),
        new RetentionPolicy(Duration.ZERO, null));
    assertThat(names(plan)).containsExactly("a");
    assertThat(plan.nextExpiry()).contains(NOW.plusSeconds(1)); // completed "in the future": clock skew
  }

  @Test
  void maxRetainedDeletesTheOldestAndBreaksTiesByName() {
    List<Task> tasks = List.of(
        finished("ns", "e", NOW.minusSeconds(10)),
        finished("ns", "b", NOW.minusSeconds(50)),
        finished("ns", "a", NOW.minusSeconds(50)),
        finished("ns", "c", NOW.minusSeconds(40)),
        finished("ns", "d", NOW.minusSeconds(20)));

    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(null, 2));

    assertThat(names(plan)).containsExactly("a", "b", "c");
    assertThat(plan.deletions()).allSatisfy(d -> assertThat(d.rules()).containsExactly(RetentionRule.MAX_RETAINED));
    assertThat(plan.nextExpiry()).isEmpty();
  }

  @Test
  void maxRetainedZeroDeletesEveryFinishedTaskAndEnoughRoomDeletesNone() {
    List<Task> tasks = List.of(finished("ns", "a", NOW.minusSeconds(2)), finished("ns", "b", NOW.minusSeconds(1)));
    assertThat(names(selector.plan(tasks, new RetentionPolicy(null, 0)))).containsExactly("a", "b");
    assertThat(selector.plan(tasks, new RetentionPolicy(null, 2)).deletions()).isEmpty();
    assertThat(selector.plan(tasks, new RetentionPolicy(null, 7)).deletions()).isEmpty();
  }

  @Test
  void bothRulesSelectTheUnionAndNameEveryRuleThatApplies() {
    List<Task> tasks = List.of(
        finished("ns", "a", NOW.minusSeconds(200)),
        finished("ns", "b", NOW.minusSeconds(150)),
        finished("ns", "c", NOW.minusSeconds(50)),
        finished("ns", "d", NOW.minusSeconds(40)),
        finished("ns", "e", NOW.minusSeconds(30)));

    RetentionPlan ttlWider = selector.plan(tasks, new RetentionPolicy(Duration.ofSeconds(100), 4));
    assertThat(names(ttlWider)).containsExactly("a", "b");
    assertThat(ttlWider.deletions().get(0).rules()).containsExactlyInAnyOrder(RetentionRule.TTL,
        RetentionRule.MAX_RETAINED);
    assertThat(ttlWider.deletions().get(1).rules()).containsExactly(RetentionRule.TTL);
    assertThat(ttlWider.nextExpiry()).contains(NOW.plusSeconds(50)); // c's TTL, c is retained

    RetentionPlan countWider = selector.plan(tasks, new RetentionPolicy(Duration.ofSeconds(100), 1));
    assertThat(names(countWider)).containsExactly("a", "b", "c", "d");
    assertThat(countWider.deletions().get(3).rules()).containsExactly(RetentionRule.MAX_RETAINED);
    assertThat(countWider.deletions().get(3).reason()).isEqualTo(RetentionRule.MAX_RETAINED);
    assertThat(countWider.deletions().get(0).reason()).isEqualTo(RetentionRule.TTL);
    assertThat(countWider.nextExpiry()).contains(NOW.plusSeconds(70)); // only e is retained
  }

  @Test
  void neverSelectsAnUnfinishedTaskWhateverThePolicy() {
    Task beingDeleted = finished("ns", "being-deleted", NOW.minusSeconds(999));
    beingDeleted.getMetadata().setDeletionTimestamp(NOW.toString());
    List<Task> tasks = List.of(
        task("ns", "pending", TaskPhase.Pending, null),
        task("ns", "queued", TaskPhase.Queued, NOW.minusSeconds(999).toString()),
        task("ns", "running", TaskPhase.Running, NOW.minusSeconds(999).toString()),
        task("ns", "no-status", null, null),
        task("ns", "completed-without-time", TaskPhase.Completed, null),
        task("ns", "failed-bad-time", TaskPhase.Failed, "yesterday"),
        beingDeleted,
        task("ns", "failed", TaskPhase.Failed, NOW.minusSeconds(999).toString()));

    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(Duration.ZERO, 0));

    assertThat(names(plan)).containsExactly("failed");
  }

  @Test
  void unfinishedTasksDoNotCountTowardsMaxRetained() {
    List<Task> tasks = List.of(
        finished("ns", "done", NOW.minusSeconds(10)),
        task("ns", "r1", TaskPhase.Running, null),
        task("ns", "r2", TaskPhase.Running, null));
    assertThat(selector.plan(tasks, new RetentionPolicy(null, 1)).deletions()).isEmpty();
  }

  @Test
  void readsRfc3339WithFractionsAndOffsets() {
    List<Task> tasks = List.of(
        task("ns", "offset", TaskPhase.Completed, "2025-06-01T13:00:00+01:00"), // = NOW
        task("ns", "fraction", TaskPhase.Completed, "2025-06-01T11:59:59.500Z"));
    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(Duration.ofMillis(500), null));
    assertThat(names(plan)).containsExactly("fraction");
    assertThat(plan.nextExpiry()).contains(NOW.plusMillis(500));
  }

  @Test
  void noRuleNoDeletion() {
    assertThat(selector.plan(List.of(finished("ns", "a", Instant.EPOCH)), RetentionPolicy.NONE))
        .isEqualTo(RetentionPlan.NOTHING);
  }

  @Test
  void aTtlBeyondTheCalendarNeverExpires() {
    RetentionPlan plan = selector.plan(List.of(finished("ns", "a", Instant.EPOCH)),
        new RetentionPolicy(Duration.ofSeconds(Long.MAX_VALUE), null));
    assertThat(plan).isEqualTo(RetentionPlan.NOTHING);
  }

  @Test
  void theOrderOfTheInputDoesNotMatter() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tasks.add(finished("ns", "t" + i, NOW.minusSeconds(i % 7 * 10)));
    }
    RetentionPolicy policy = new RetentionPolicy(Duration.ofSeconds(35), 20);
    RetentionPlan expected = selector.plan(tasks, policy);
    Collections.shuffle(tasks, new Random(42));
    assertThat(selector.plan(tasks, policy)).isEqualTo(expected);
  }

  /** How long this takes is RetentionSelectorBenchmark's business (hack/bench-cleanup.sh selector). */
  @Test
  void plansTenThousandTasks() {
    List<Task> tasks = RetentionSelectorBenchmark.tasks(10_000, NOW);

    RetentionPlan plan = selector.plan(tasks, RetentionSelectorBenchmark.POLICY);

    assertThat(plan.deletions()).hasSize(9_900);
    assertThat(plan.deletions()).allSatisfy(d -> assertThat(d.rules()).contains(RetentionRule.MAX_RETAINED));
  }

  @Test
  void deletionReasonPrefersTtl() {
    FinishedTask task = FinishedTask.of(finished("ns", "a", NOW)).orElseThrow();
    assertThat(new Deletion(task, Set.of(RetentionRule.MAX_RETAINED, RetentionRule.TTL)).reason())
        .isEqualTo(RetentionRule.TTL);
    assertThat(FinishedTask.of(task("ns", "r", TaskPhase.Running, NOW.toString()))).isEqualTo(Optional.empty());
  }

  static List<String> names(RetentionPlan plan) {
    return plan.deletions().stream().map(d -> d.task().name()).toList();
  }
}
