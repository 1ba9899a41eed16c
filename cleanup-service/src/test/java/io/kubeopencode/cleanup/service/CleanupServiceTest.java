package io.kubeopencode.cleanup.service;

import static io.kubeopencode.cleanup.ApiServer.applyConfig;
import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.awaitCount;
import static io.kubeopencode.cleanup.ApiServer.client;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.createTask;
import static io.kubeopencode.cleanup.ApiServer.deleteConfig;
import static io.kubeopencode.cleanup.ApiServer.serviceConfig;
import static io.kubeopencode.cleanup.ApiServer.sleep;
import static io.kubeopencode.cleanup.ApiServer.taskNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.DeletionRecorder;
import io.kubeopencode.cleanup.Http;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.cleanup.TestTasks;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cleanup-service (Main, as deployed, one replica) applying retention on a real API server. */
class CleanupServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @BeforeAll
  static void cluster() {
    ApiServer.cluster();
  }

  /** One replica without leader election, watching only {@code ns}; sweeps rare so that timers must do the work. */
  private static Main.Running start(String ns, String... overrides) {
    Map<String, String> values = new HashMap<>(Map.of(
        "leader-election.enabled", "false",
        "cleanup.sweep-interval", "PT1H"));
    for (int i = 0; i < overrides.length; i += 2) {
      values.put(overrides[i], overrides[i + 1]);
    }
    Main.Running service = Main.start(serviceConfig(ns, "single", values), client());
    await(() -> service.cleanup().lastSweep().isPresent(), WAIT, "the first sweep");
    return service;
  }

  @Test
  void aTtlIsActedOnWhenItExpiresNotAtTheNextSweep() {
    String ns = ApiServer.namespace("ttl");
    try (Main.Running service = start(ns); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 3L, null);
      Instant completed = Instant.now();
      createFinished(ns, "long-expired", completed.minusSeconds(3600));
      createFinished(ns, "fresh", completed);

      deletions.awaitDeleted("long-expired", WAIT);
      assertThat(Duration.between(completed, deletions.at("long-expired"))).isLessThan(Duration.ofSeconds(2));
      deletions.awaitDeleted("fresh", WAIT);
      Duration after = Duration.between(completed, deletions.at("fresh"));
      System.out.printf("TTL of 3 s acted on %d ms after completionTime%n", after.toMillis());
      assertThat(after).isBetween(Duration.ofSeconds(3), Duration.ofMillis(4500));
      awaitCount(service.cleanup()::deletedCount, 2, "deletions");
    }
  }

  @Test
  void maxRetainedKeepsTheNewestAndDeletesOldestFirstTiesByName() {
    String ns = ApiServer.namespace("max");
    Instant now = Instant.now();
    createFinished(ns, "e", now.minusSeconds(10));
    createFinished(ns, "b", now.minusSeconds(50));
    createFinished(ns, "a", now.minusSeconds(50));
    createFinished(ns, "d", now.minusSeconds(20));
    createFinished(ns, "c", now.minusSeconds(40));
    try (Main.Running service = start(ns, "cleanup.delete-workers", "1");
        DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, null, 2);

      await(() -> deletions.count() == 3, WAIT, "three deletions");
      assertThat(deletions.order()).containsExactly("a", "b", "c");
      awaitCount(service.cleanup()::deletedCount, 3, "deletions");
      sleep(Duration.ofMillis(500));
      assertThat(taskNames(ns)).containsExactly("d", "e");
      assertThat(service.cleanup().deletedCount()).isEqualTo(3);
    }
  }

  @Test
  void bothRulesTogetherDeleteWhatEitherSelects() {
    String ns = ApiServer.namespace("both");
    Instant completed = Instant.now();
    for (int i = 1; i <= 4; i++) {
      createFinished(ns, "t" + i, completed.plusMillis(100 * i));
    }
    try (Main.Running service = start(ns); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 3L, 2);

      await(() -> deletions.count() == 2, WAIT, "the count rule's deletions");
      assertThat(deletions.order()).containsExactlyInAnyOrder("t1", "t2");
      assertThat(Duration.between(completed, deletions.at("t2"))).isLessThan(Duration.ofSeconds(3));
      assertThat(taskNames(ns)).containsExactly("t3", "t4");

      await(() -> deletions.count() == 4, WAIT, "the TTL's deletions");
      for (String name : new String[] {"t3", "t4"}) {
        Instant expiry = completed.plusMillis(100L * (name.charAt(1) - '0')).plusSeconds(3);
        assertThat(deletions.at(name)).isAfterOrEqualTo(expiry).isBefore(expiry.plusMillis(1500));
      }
      assertThat(taskNames(ns)).isEmpty();
    }
  }

  @Test
  void configAddedChangedAndRemovedAtRuntime() {
    String ns = ApiServer.namespace("runtime");
    Instant longAgo = Instant.now().minusSeconds(100);
    createFinished(ns, "a", longAgo);
    createFinished(ns, "b", longAgo.plusSeconds(1));
    createFinished(ns, "c", longAgo.plusSeconds(2));
    try (Main.Running service = start(ns); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      sleep(Duration.ofMillis(500));
      assertThat(taskNames(ns)).as("no config, no default: keep all").containsExactly("a", "b", "c");

      applyConfig(ns, null, 2); // added
      deletions.awaitDeleted("a", WAIT);
      assertThat(taskNames(ns)).containsExactly("b", "c");

      applyConfig(ns, 50L, null); // changed: b and c finished 98-99 s ago
      await(() -> taskNames(ns).isEmpty(), WAIT, "b and c deleted by the new TTL");

      applyConfig(ns, 3L, null);
      Instant completed = Instant.now();
      createFinished(ns, "d", completed); // its timer is set for completed + 3 s
      sleep(Duration.ofSeconds(1));
      deleteConfig(ns); // removed before the timer fires
      sleep(Duration.between(Instant.now(), completed.plusMillis(4500)));
      assertThat(taskNames(ns)).as("the config is gone: d stays").containsExactly("d");

      applyConfig(ns, 3L, null); // added again: d expired already
      deletions.awaitDeleted("d", WAIT);
      awaitCount(service.cleanup()::deletedCount, 4, "deletions");
    }
  }

  @Test
  void aTaskChangedWhileWaitingForItsTurnIsNotDeleted() throws Exception {
    String ns = ApiServer.namespace("changed");
    Instant longAgo = Instant.now().minusSeconds(100);
    createFinished(ns, "a", longAgo);
    Task b = createFinished(ns, "b", longAgo.plusSeconds(1));
    // One deletion every 2 s: a goes at once, b waits for its token with the version it was selected in.
    try (Main.Running service = start(ns, "cleanup.delete-rate", "0.5", "cleanup.delete-burst", "1",
        "cleanup.delete-workers", "1"); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 0L, null);
      deletions.awaitDeleted("a", WAIT);
      Instant aGone = Instant.now();
      b.setStatus(TestTasks.status(TaskPhase.Running, null)); // re-run: no longer finished
      client().resource(b).updateStatus();

      await(() -> Http.bodyOrEmpty(service.port(), "/observe/metrics")
          .matches("(?s).*kubeopencode_cleanup_delete_failures_total\\{[^}]*reason=\"changed\"[^}]*} 1\\.0.*"),
          WAIT, "the stale deletion refused");
      assertThat(Duration.between(aGone, Instant.now())).as("b's delete was the stale one").isLessThan(
          Duration.ofSeconds(5));
      sleep(Duration.ofMillis(500));
      assertThat(taskNames(ns)).containsExactly("b");
      assertThat(service.cleanup().deletedCount()).isEqualTo(1);
    }
  }

  @Test
  void aTaskRelabelledWhileQueuedIsDeletedInItsNewVersion() throws Exception {
    String ns = ApiServer.namespace("relabel");
    Instant longAgo = Instant.now().minusSeconds(100);
    createFinished(ns, "a", longAgo);
    createFinished(ns, "b", longAgo.plusSeconds(1));
    createFinished(ns, "c", longAgo.plusSeconds(2));
    // One deletion a second: a at once, b holds the only worker for a second, c waits in the queue meanwhile.
    try (Main.Running service = start(ns, "cleanup.delete-rate", "1", "cleanup.delete-burst", "1",
        "cleanup.delete-workers", "1"); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 0L, null);
      deletions.awaitDeleted("a", WAIT);
      // Only a label: not a change retention looks at, so no re-plan; the queued deletion holds c's old version.
      client().resources(Task.class).inNamespace(ns).withName("c")
          .edit(t -> {
            t.getMetadata().setLabels(Map.of("touched", "yes"));
            return t;
          });

      await(() -> taskNames(ns).isEmpty(), WAIT, "b and c deleted");
      awaitCount(service.cleanup()::deletedCount, 3, "deletions");
      assertThat(Http.get(service.port(), "/observe/metrics")).as("no stale deletion was sent")
          .doesNotContain("kubeopencode_cleanup_delete_failures_total");
    }
  }

  @Test
  void unfinishedTasksAreNeverDeletedWhateverTheConfigSays() {
    String ns = ApiServer.namespace("unfinished");
    String longAgo = Instant.now().minusSeconds(3600).toString();
    try (Main.Running service = start(ns, "cleanup.sweep-interval", "PT0.5S");
        DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 0L, 0);
      createTask(ns, "pending", null, null);
      createTask(ns, "queued", TaskPhase.Queued, longAgo);
      Task running = createTask(ns, "running", TaskPhase.Running, longAgo);
      createTask(ns, "completed-without-time", TaskPhase.Completed, null);
      createTask(ns, "failed-malformed-time", TaskPhase.Failed, "an hour ago");
      createTask(ns, "witness", TaskPhase.Failed, longAgo);

      deletions.awaitDeleted("witness", WAIT);
      Instant witnessGone = Instant.now();
      await(() -> service.cleanup().lastSweep().orElseThrow().isAfter(witnessGone.plusMillis(600)), WAIT,
          "another sweep");
      assertThat(taskNames(ns)).containsExactly("completed-without-time", "failed-malformed-time", "pending",
          "queued", "running");

      running.setStatus(TestTasks.status(TaskPhase.Completed, Instant.now().toString()));
      client().resource(running).updateStatus();
      deletions.awaitDeleted("running", WAIT);
      assertThat(taskNames(ns)).containsExactly("completed-without-time", "failed-malformed-time", "pending",
          "queued");
      assertThat(deletions.count()).isEqualTo(2);
    }
  }

  @Test
  void theClusterDefaultAppliesWhereNoConfigSaysOtherwise() {
    String ns = ApiServer.namespace("default");
    Instant now = Instant.now();
    try (Main.Running service = start(ns, "cleanup.default.max-retained-tasks", "1");
        DeletionRecorder deletions = new DeletionRecorder(ns)) {
      createFinished(ns, "a", now.minusSeconds(30));
      createFinished(ns, "b", now.minusSeconds(20));
      createFinished(ns, "c", now.minusSeconds(10));
      await(() -> taskNames(ns).equals(Set.of("c")), WAIT, "the default keeping one");

      applyConfig(ns, null, 3); // the namespace's own retention replaces the default
      createFinished(ns, "d", now.minusSeconds(3));
      createFinished(ns, "e", now.minusSeconds(2));
      createFinished(ns, "f", now.minusSeconds(1));
      deletions.awaitDeleted("c", WAIT);
      awaitCount(service.cleanup()::deletedCount, 3, "deletions");
      sleep(Duration.ofSeconds(1));
      assertThat(taskNames(ns)).containsExactly("d", "e", "f");
      assertThat(service.cleanup().deletedCount()).isEqualTo(3);
    }
  }

  @Test
  void aDryRunReportsEachTaskOnceAndDeletesNothing() {
    String ns = ApiServer.namespace("dry-run");
    try (Main.Running service = start(ns, "cleanup.dry-run", "true", "cleanup.sweep-interval", "PT0.3S")) {
      applyConfig(ns, 0L, null);
      for (String name : new String[] {"a", "b", "c"}) {
        createFinished(ns, name, Instant.now().minusSeconds(5));
      }
      await(() -> service.cleanup().wouldDeleteCount() == 3, WAIT, "three reported");
      Instant reported = Instant.now();
      await(() -> service.cleanup().lastSweep().orElseThrow().isAfter(reported.plusMillis(700)), WAIT,
          "more sweeps");

      assertThat(taskNames(ns)).containsExactly("a", "b", "c");
      assertThat(service.cleanup().wouldDeleteCount()).isEqualTo(3);
      assertThat(service.cleanup().deletedCount()).isZero();

      applyConfig(ns, 0L, 1); // a new policy: reported afresh
      await(() -> service.cleanup().wouldDeleteCount() == 6, WAIT, "three reported again");
      assertThat(taskNames(ns)).containsExactly("a", "b", "c");
    }
  }
}
