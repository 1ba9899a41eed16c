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

import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.cleanup.ApiServer;
import io.kubeopencode.cleanup.DeletionRecorder;
import io.kubeopencode.cleanup.Http;
import io.kubeopencode.cleanup.LogRecorder;
import io.kubeopencode.cleanup.Main;
import io.kubeopencode.cleanup.TestTasks;
import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cleanup-service (Main, as deployed, one replica) applying retention on a real API server. Behaviour only: how
 * soon it acts is CleanupLatencyBenchmark's business (hack/bench-cleanup.sh latency); a busy machine is slower.
 */
@Tag("apiserver")
class CleanupServiceTest {
  private static final Duration WAIT = Await.LIVENESS;
  /** Logs each change of a namespace's retention: the signal that the service acts on a changed config. */
  private static final String LEADER_TERM = "io.kubeopencode.cleanup.kube.LeaderTerm";

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
    // Sweeps are an hour apart: a deletion within the wait comes from the config event or the TTL's timer.
    try (Main.Running service = start(ns); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 3L, null);
      Instant completed = Instant.now();
      createFinished(ns, "long-expired", completed.minusSeconds(3600));
      createFinished(ns, "fresh", completed);

      deletions.awaitDeleted("long-expired", WAIT);
      deletions.awaitDeleted("fresh", WAIT);
      assertThat(deletions.at("fresh")).as("not before its TTL").isAfterOrEqualTo(completed.plusSeconds(3));
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
    Instant now = Instant.now();
    createFinished(ns, "old-1", now.minusSeconds(3600));
    createFinished(ns, "old-2", now.minusSeconds(3500));
    createFinished(ns, "recent", now.minusSeconds(2));
    createFinished(ns, "newer", now.minusSeconds(1));
    createFinished(ns, "newest", now);
    try (Main.Running service = start(ns); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      // The 30-minute TTL selects the old two; keeping two selects "recent" too, which no TTL here ever reaches.
      applyConfig(ns, 1800L, 2);

      await(() -> deletions.count() == 3, WAIT, "what either rule selects");
      assertThat(deletions.order()).containsExactlyInAnyOrder("old-1", "old-2", "recent");
      await(() -> deletedByRule(service, ns, "ttl", 2) && deletedByRule(service, ns, "max-retained", 1), WAIT,
          "each deletion counted under its rule");
      assertThat(taskNames(ns)).containsExactly("newer", "newest");

      // A 3 s TTL with the same count: the newest two go by the TTL, each at its expiry, never before.
      applyConfig(ns, 3L, 2);
      await(() -> deletions.count() == 5, WAIT, "the TTL's deletions");
      assertThat(deletions.at("newer")).isAfterOrEqualTo(now.plusSeconds(2));
      assertThat(deletions.at("newest")).isAfterOrEqualTo(now.plusSeconds(3));
      assertThat(taskNames(ns)).isEmpty();
    }
  }

  private static boolean deletedByRule(Main.Running service, String ns, String rule, int count) {
    return Http.bodyOrEmpty(service.port(), "/observe/metrics").lines().anyMatch(line -> line.matches(
        "kubeopencode_cleanup_tasks_deleted_total\\{[^}]*namespace=\"" + ns + "\"[^}]*rule=\"" + rule + "\"[^}]*} "
            + count + "\\.0"));
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

      Removal removal = removedBeforeItsTimerFires(ns, deletions);

      applyConfig(ns, 3L, null); // added again: the Task that stayed has expired
      deletions.awaitDeleted(removal.kept(), WAIT);
      await(() -> taskNames(ns).isEmpty(), WAIT, "every Task deleted");
      awaitCount(service.cleanup()::deletedCount, 3 + removal.tasksCreated(), "deletions");
    }
  }

  /** The Task that stayed after its config was removed, and how many Tasks that took. */
  private record Removal(String kept, int tasksCreated) {}

  /**
   * A config removed after a Task's TTL timer was set and before it fires: the Task stays. The service must see the
   * removal before the expiry; when a busy machine made it see it later, the round is repeated with a longer TTL.
   */
  private static Removal removedBeforeItsTimerFires(String ns, DeletionRecorder deletions) {
    int created = 0;
    try (LogRecorder log = new LogRecorder(LEADER_TERM)) {
      for (long ttl : new long[] {3, 20, 120}) {
        String name = "d" + ttl;
        applyConfig(ns, ttl, null);
        Instant completed = Instant.now();
        createFinished(ns, name, completed);
        // Deleted once the service has planned the namespace with both Tasks in it: d's timer is set by then.
        createFinished(ns, "witness-" + ttl, completed.minusSeconds(3600));
        created += 2;
        deletions.awaitDeleted("witness-" + ttl, WAIT);

        log.clear();
        deleteConfig(ns);
        Instant removalSeen = log.await("the config's removal",
            line -> line.equals("retention of namespace " + ns + ": keep all (cluster default)")).getInstant();
        Instant expiry = completed.plusSeconds(ttl);
        if (removalSeen.isBefore(expiry.minusMillis(500))) {
          // The timer would have fired at the expiry: past it (and a margin), nothing has deleted the Task.
          sleep(Duration.ofMillis(Math.max(0, Duration.between(Instant.now(), expiry.plusMillis(1500)).toMillis())));
          assertThat(taskNames(ns)).as("the config is gone: %s stays", name).contains(name);
          return new Removal(name, created);
        }
        System.out.printf("removal seen only %d ms before the %d s TTL expired; again with a longer TTL%n",
            Duration.between(removalSeen, expiry).toMillis(), ttl);
      }
    }
    throw new AssertionError("the service never saw a config's removal before a 120 s TTL expired");
  }

  @Test
  void aTaskChangedWhileWaitingForItsTurnIsNotDeleted() throws Exception {
    String ns = ApiServer.namespace("changed");
    Instant longAgo = Instant.now().minusSeconds(100);
    createFinished(ns, "a", longAgo);
    Task b = createFinished(ns, "b", longAgo.plusSeconds(1));
    // One deletion every 5 s: a goes at once, b waits for its token with the version it was selected in.
    try (Main.Running service = start(ns, "cleanup.delete-rate", "0.2", "cleanup.delete-burst", "1",
        "cleanup.delete-workers", "1"); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 0L, null);
      deletions.awaitDeleted("a", WAIT);
      await(CleanupServiceTest::theDeleterWaitsForAToken, WAIT, "b's deletion waiting for its token");
      b.setStatus(TestTasks.status(TaskPhase.Running, null)); // re-run: no longer finished
      client().resource(b).updateStatus();

      await(() -> Http.bodyOrEmpty(service.port(), "/observe/metrics")
          .matches("(?s).*kubeopencode_cleanup_delete_failures_total\\{[^}]*reason=\"changed\"[^}]*} 1\\.0.*"),
          WAIT, "the stale deletion refused");
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
    // One deletion every 5 s: a at once, b holds the only worker until its token, c waits in the queue meanwhile.
    try (Main.Running service = start(ns, "cleanup.delete-rate", "0.2", "cleanup.delete-burst", "1",
        "cleanup.delete-workers", "1"); DeletionRecorder deletions = new DeletionRecorder(ns)) {
      applyConfig(ns, 0L, null);
      deletions.awaitDeleted("a", WAIT);
      await(() -> theDeleterWaitsForAToken() && service.cleanup().backlog() == 1, WAIT, "b waiting, c queued");
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

  /**
   * Whether the (only) deleter thread holds a selected deletion and waits for its token from the rate limiter:
   * after it compared the Task with the cache, before it sends the delete.
   */
  private static boolean theDeleterWaitsForAToken() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("cleanup-deleter-0"))
        .anyMatch(e -> {
          StackTraceElement[] frames = e.getValue();
          for (int i = 1; i < frames.length; i++) {
            if (frames[i].getClassName().endsWith(".LeaderTerm") && frames[i].getMethodName().equals("execute")) {
              return frames[i - 1].getClassName().equals("java.util.concurrent.CountDownLatch");
            }
          }
          return false;
        });
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

      try (LogRecorder log = new LogRecorder(LEADER_TERM)) {
        applyConfig(ns, null, 3); // the namespace's own retention replaces the default
        log.await("the namespace's own retention in effect", line -> line.equals("retention of namespace " + ns
            + ": maxRetainedTasks=3 (KubeOpenCodeConfig " + KubeOpenCode.CONFIG_NAME + ")"));
      }
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
