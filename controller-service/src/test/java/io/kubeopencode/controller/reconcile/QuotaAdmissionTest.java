package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static io.kubeopencode.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.Quota;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.controller.Fixtures;
import io.kubeopencode.controller.reconcile.Action.CreatePod;
import io.kubeopencode.controller.reconcile.Action.RecordStart;
import io.kubeopencode.controller.reconcile.Action.RequeueAfter;
import io.kubeopencode.controller.reconcile.Action.UpdateStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start quotas over a sliding window, decided purely. */
class QuotaAdmissionTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:05Z");
  private final TaskReconciler reconciler = new TaskReconciler(IMAGES, Clock.fixed(NOW, ZoneOffset.UTC));

  private static FakeCluster cluster(int maxStarts, List<String> waiting, TaskStartRecord... starts) {
    AgentSpec spec = new AgentSpec(null, null, Fixtures.WS, null, null, null, null, null, "sa", null, null,
        new Quota(maxStarts, 60));
    return new FakeCluster().add(Fixtures.agent("agent", spec))
        .workload(NS + "/agent", new AgentWorkload(0, waiting, List.of(starts)));
  }

  private static Task task(String name) {
    return Fixtures.task(name, new TaskSpec("x", null, AgentReference.of("agent"), null, null, null));
  }

  private static TaskStartRecord start(String name, String at) {
    return new TaskStartRecord(name, NS, at);
  }

  @Test
  void aStartIsRecordedBeforeThePodIsCreated() {
    List<Action> actions = reconciler.reconcile(task("t"), cluster(2, List.of(NS + "/t")), false);

    assertThat(actions.getFirst()).isEqualTo(new RecordStart(NS, "agent", start("t", "2026-11-21T10:00:05Z")));
    assertThat(actions).anyMatch(CreatePod.class::isInstance);
    assertThat(actions.indexOf(actions.getFirst())).isLessThan(actions.indexOf(actions.stream()
        .filter(CreatePod.class::isInstance).findFirst().orElseThrow()));
  }

  @Test
  void aFullWindowQueuesTheTaskUntilTheOldestStartLeavesIt() {
    FakeCluster cluster = cluster(2, List.of(NS + "/t"), start("a", "2026-11-21T09:59:30Z"),
        start("b", "2026-11-21T09:59:50Z"));

    List<Action> actions = reconciler.reconcile(task("t"), cluster, false);

    TaskStatus status = ((UpdateStatus) actions.getFirst()).status();
    assertThat(status.phase()).isEqualTo(TaskPhase.Queued);
    assertThat(status.conditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Queued");
      assertThat(c.getReason()).isEqualTo("QuotaExceeded");
      assertThat(c.getMessage()).isEqualTo("Agent agent reached its quota of 2 starts per 60 s; next start at"
          + " 2026-11-21T10:00:30Z");
    });
    assertThat(actions).contains(new RequeueAfter(Duration.ofSeconds(25).plusMillis(100)));
    assertThat(actions).noneMatch(CreatePod.class::isInstance);
  }

  @Test
  void startsOutsideTheWindowDoNotCount() {
    assertThat(reconciler.reconcile(task("t"), cluster(1, List.of(NS + "/t"), start("old", "2026-11-21T09:59:05Z")),
        false)).anyMatch(CreatePod.class::isInstance);
  }

  @Test
  void theStartsLeftGoToTheOldestWaitingTasks() {
    FakeCluster cluster = cluster(2, List.of(NS + "/first", NS + "/second"), start("a", "2026-11-21T09:59:40Z"));

    assertThat(reconciler.reconcile(task("first"), cluster, false)).anyMatch(CreatePod.class::isInstance);
    List<Action> second = reconciler.reconcile(task("second"), cluster, false);
    assertThat(second).noneMatch(CreatePod.class::isInstance);
    assertThat(((UpdateStatus) second.getFirst()).status().conditions()).anySatisfy(c ->
        assertThat(c.getMessage()).endsWith("next start at 2026-11-21T10:00:40Z"));
  }

  @Test
  void theLedgerKeepsTheWindowOnlyOneStartPerTaskAndCanTakeOneBack() {
    Quota quota = new Quota(5, 60);
    List<TaskStartRecord> ledger = List.of(start("old", "2026-11-21T09:58:00Z"), start("a", "2026-11-21T09:59:30Z"));

    List<TaskStartRecord> plus = QuotaLedger.plus(ledger, quota, NOW, start("b", "2026-11-21T10:00:05Z"));
    assertThat(plus).containsExactly(start("a", "2026-11-21T09:59:30Z"), start("b", "2026-11-21T10:00:05Z"));
    assertThat(QuotaLedger.plus(plus, quota, NOW, start("b", "2026-11-21T10:00:05Z"))).isEqualTo(plus);
    assertThat(QuotaLedger.minus(plus, NS, "b")).containsExactly(start("a", "2026-11-21T09:59:30Z"));
  }
}
