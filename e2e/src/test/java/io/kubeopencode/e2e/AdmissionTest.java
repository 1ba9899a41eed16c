package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One Agent with maxConcurrentTasks 1 and a quota of four starts a minute, five Tasks on a real node: they start
 * in creation order, never two at once, and the fifth waits for the quota.
 */
@Tag("real-node")
class AdmissionTest {
  private final E2eCluster node = E2eCluster.get();

  @Test
  void fiveTasksRunOneAtATimeInCreationOrderWithinTheQuota() throws Exception {
    String ns = node.namespace("admission");
    Map<String, String> values = E2eCluster.values(ns);
    Set<String> running = ConcurrentHashMap.newKeySet();
    AtomicInteger mostRunning = new AtomicInteger();
    try (E2eController controller = E2eController.start(node.client, List.of(ns));
        Watch watch = node.client.resources(Task.class).inNamespace(ns).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Task task) {
            String name = task.getMetadata().getName();
            if (task.getStatus() != null && task.getStatus().phase() == TaskPhase.Running) {
              running.add(name);
            } else {
              running.remove(name);
            }
            mostRunning.accumulateAndGet(running.size(), Math::max);
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      node.create(agent("single", """
          maxConcurrentTasks: 1
          quota:
            maxTaskStarts: 4
            windowSeconds: 60
          """), values);
      List<String> names = List.of("t1", "t2", "t3", "t4", "t5");
      for (String name : names) {
        node.create(task(name, "single", "log: " + name + "\nsleep: 1", ""), values);
        Thread.sleep(1100); // creation times have whole seconds: one second apart orders them
      }
      Task fifth = node.awaitTask(ns, "t5", t -> t.getStatus() != null && t.getStatus().conditions().stream()
          .anyMatch(c -> "QuotaExceeded".equals(c.getReason())));
      assertThat(fifth.getStatus().phase()).isEqualTo(TaskPhase.Queued);

      List<Task> finished = new ArrayList<>();
      for (String name : names) {
        finished.add(node.awaitFinished(ns, name));
      }
      assertThat(finished).allSatisfy(t -> assertThat(t.getStatus().phase()).isEqualTo(TaskPhase.Completed));
      List<String> byStart = finished.stream()
          .sorted(Comparator.comparing((Task t) -> Instant.parse(t.getStatus().startTime()))
              .thenComparing(t -> t.getMetadata().getName()))
          .map(t -> t.getMetadata().getName()).toList();
      assertThat(byStart).containsExactlyElementsOf(names);
      for (int i = 1; i < finished.size(); i++) {
        assertThat(Instant.parse(finished.get(i).getStatus().startTime()))
            .as("%s starts after %s completed", names.get(i), names.get(i - 1))
            .isAfterOrEqualTo(Instant.parse(finished.get(i - 1).getStatus().completionTime()));
      }
    }
    assertThat(mostRunning.get()).as("Tasks Running at once").isEqualTo(1);
  }
}
