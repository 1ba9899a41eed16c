package io.kubeopencode.cleanup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.TestTasks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The selection rules over random sets of Tasks (every phase, with valid, missing and malformed completion times,
 * some being deleted; few distinct times, so ties are common) and random policies.
 */
class RetentionSelectorPropertyTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private final RetentionSelector selector = new RetentionSelector(Clock.fixed(NOW, ZoneOffset.UTC));

  @Property
  void neverSelectsAnUnfinishedTask(@ForAll("tasks") List<Task> tasks, @ForAll("policies") RetentionPolicy policy) {
    for (Deletion deletion : selector.plan(tasks, policy).deletions()) {
      Task task = byName(tasks, deletion.task().name());
      assertThat(task.getStatus().phase()).isIn(TaskPhase.Completed, TaskPhase.Failed);
      assertThat(FinishedTask.parseTime(task.getStatus().completionTime())).isPresent();
      assertThat(task.getMetadata().getDeletionTimestamp()).isNull();
    }
  }

  @Property
  void ttlSelectsExactlyTheExpiredFinishedTasks(@ForAll("tasks") List<Task> tasks,
      @ForAll("ttls") Duration ttl) {
    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(ttl, null));

    Set<String> expired = finished(tasks).stream()
        .filter(t -> !t.completionTime().plus(ttl).isAfter(NOW)).map(FinishedTask::name).collect(Collectors.toSet());
    assertThat(names(plan)).isEqualTo(expired);
    assertThat(plan.deletions()).allSatisfy(d -> assertThat(d.rules()).containsExactly(RetentionRule.TTL));
  }

  @Property
  void maxRetainedKeepsExactlyTheNewestN(@ForAll("tasks") List<Task> tasks, @ForAll("maxima") int max) {
    RetentionPlan plan = selector.plan(tasks, new RetentionPolicy(null, max));

    List<FinishedTask> finished = finished(tasks);
    assertThat(plan.deletions()).hasSize(Math.max(0, finished.size() - max));
    Set<String> selected = names(plan);
    List<FinishedTask> kept = finished.stream().filter(t -> !selected.contains(t.name())).toList();
    for (Deletion deletion : plan.deletions()) {
      assertThat(deletion.rules()).containsExactly(RetentionRule.MAX_RETAINED);
      for (FinishedTask retained : kept) {
        assertThat(FinishedTask.OLDEST_FIRST.compare(deletion.task(), retained)).isNegative();
      }
    }
  }

  @Property
  void bothRulesSelectTheUnion(@ForAll("tasks") List<Task> tasks, @ForAll("ttls") Duration ttl,
      @ForAll("maxima") int max) {
    Set<String> byTtl = names(selector.plan(tasks, new RetentionPolicy(ttl, null)));
    Set<String> byCount = names(selector.plan(tasks, new RetentionPolicy(null, max)));

    RetentionPlan both = selector.plan(tasks, new RetentionPolicy(ttl, max));

    Set<String> union = new HashSet<>(byTtl);
    union.addAll(byCount);
    assertThat(names(both)).isEqualTo(union);
    for (Deletion deletion : both.deletions()) {
      assertThat(deletion.rules().contains(RetentionRule.TTL)).isEqualTo(byTtl.contains(deletion.task().name()));
      assertThat(deletion.rules().contains(RetentionRule.MAX_RETAINED))
          .isEqualTo(byCount.contains(deletion.task().name()));
    }
  }

  @Property
  void thePlanIsOldestFirstAndIndependentOfInputOrder(@ForAll("tasks") List<Task> tasks,
      @ForAll("policies") RetentionPolicy policy, @ForAll long seed) {
    RetentionPlan plan = selector.plan(tasks, policy);
    List<Task> shuffled = new ArrayList<>(tasks);
    Collections.shuffle(shuffled, new Random(seed));

    assertThat(selector.plan(shuffled, policy)).isEqualTo(plan);
    assertThat(plan.deletions().stream().map(Deletion::task).toList()).isSortedAccordingTo(FinishedTask.OLDEST_FIRST);
  }

  @Property
  void applyingThePlanLeavesNothingMoreToDelete(@ForAll("tasks") List<Task> tasks,
      @ForAll("policies") RetentionPolicy policy) {
    Set<String> deleted = names(selector.plan(tasks, policy));
    List<Task> remaining = tasks.stream().filter(t -> !deleted.contains(t.getMetadata().getName())).toList();

    assertThat(selector.plan(remaining, policy).deletions()).isEmpty();
  }

  @Property
  void nextExpiryIsTheEarliestTtlOfARetainedTask(@ForAll("tasks") List<Task> tasks,
      @ForAll("policies") RetentionPolicy policy) {
    RetentionPlan plan = selector.plan(tasks, policy);
    Set<String> selected = names(plan);

    Optional<Instant> expected = policy.ttlAfterFinished() == null ? Optional.empty() : finished(tasks).stream()
        .filter(t -> !selected.contains(t.name()))
        .map(t -> t.completionTime().plus(policy.ttlAfterFinished()))
        .min(Instant::compareTo);
    assertThat(plan.nextExpiry()).isEqualTo(expected);
    plan.nextExpiry().ifPresent(at -> assertThat(at).isAfter(NOW));
  }

  @Provide
  Arbitrary<List<Task>> tasks() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(3);
    Arbitrary<TaskPhase> phases = Arbitraries.of(TaskPhase.class).injectNull(0.05);
    // Few distinct instants (ties), second and millisecond precision, offsets, missing and malformed values.
    Arbitrary<String> times = Arbitraries.oneOf(
        Arbitraries.integers().between(-40, 40).map(i -> NOW.plusSeconds(i * 30L).toString()),
        Arbitraries.integers().between(-4000, 4000).map(i -> NOW.plusMillis(i * 7L).toString()),
        Arbitraries.integers().between(-40, 40).map(i -> NOW.plusSeconds(i * 30L)
            .atOffset(ZoneOffset.ofHours(2)).toString()),
        Arbitraries.of("", "not a time", "2025-13-01T00:00:00Z"))
        .injectNull(0.1);
    Arbitrary<Boolean> deleting = Arbitraries.of(true, false, false, false, false, false);
    Arbitrary<Task> task = Combinators.combine(names, phases, times, deleting).as((name, phase, time, del) -> {
      Task t = TestTasks.task("ns", name, phase, time);
      if (del) {
        t.getMetadata().setDeletionTimestamp(NOW.minusSeconds(1).toString());
      }
      return t;
    });
    return task.list().ofMaxSize(40).uniqueElements(t -> t.getMetadata().getName());
  }

  @Provide
  Arbitrary<Duration> ttls() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 2400).map(Duration::ofSeconds),
        Arbitraries.longs().between(0, 30_000).map(Duration::ofMillis));
  }

  @Provide
  Arbitrary<Integer> maxima() {
    return Arbitraries.integers().between(0, 45);
  }

  @Provide
  Arbitrary<RetentionPolicy> policies() {
    return Combinators.combine(ttls().injectNull(0.3), maxima().injectNull(0.3)).as(RetentionPolicy::new);
  }

  private static List<FinishedTask> finished(List<Task> tasks) {
    return tasks.stream().map(FinishedTask::of).flatMap(Optional::stream).toList();
  }

  private static Task byName(List<Task> tasks, String name) {
    return tasks.stream().filter(t -> t.getMetadata().getName().equals(name)).findFirst().orElseThrow();
  }

  private static Set<String> names(RetentionPlan plan) {
    return plan.deletions().stream().map(d -> d.task().name()).collect(Collectors.toSet());
  }
}
