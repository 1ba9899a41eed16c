package io.kubeopencode.cleanup.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.cleanup.TestTasks;
import io.kubeopencode.cleanup.retention.Deletion;
import io.kubeopencode.cleanup.retention.FinishedTask;
import io.kubeopencode.cleanup.retention.RetentionRule;
import io.kubeopencode.testsupport.Await;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeletionQueueTest {
  private final DeletionQueue queue = new DeletionQueue();

  @Test
  void servesNamespacesRoundRobinAndEachOldestFirst() throws Exception {
    queue.replace("a", List.of(d("a", "a1"), d("a", "a2"), d("a", "a3")));
    queue.replace("b", List.of(d("b", "b1")));
    queue.replace("c", List.of(d("c", "c1"), d("c", "c2")));

    assertThat(queue.size()).isEqualTo(6);
    assertThat(drain()).containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
    assertThat(queue.size()).isZero();
  }

  @Test
  void aNewPlanReplacesWhatWasPendingInItsNamespace() throws Exception {
    queue.replace("a", List.of(d("a", "a1"), d("a", "a2"), d("a", "a3")));
    queue.replace("b", List.of(d("b", "b1")));
    queue.replace("a", List.of(d("a", "a3")));
    assertThat(queue.size()).isEqualTo(2);

    queue.replace("b", List.of());
    assertThat(queue.size()).isEqualTo(1);
    assertThat(drain()).containsExactly("a3");
  }

  @Test
  void pollTimesOutWhenEmpty() throws Exception {
    long started = System.nanoTime();
    assertThat(queue.poll(TimeUnit.MILLISECONDS.toNanos(50))).isNull();
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
  }

  @Test
  void aWaitingTakerGetsWhatArrives() throws Exception {
    CompletableFuture<Deletion> taken = CompletableFuture.supplyAsync(() -> {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(50);
    queue.replace("a", List.of(d("a", "late")));
    assertThat(taken.get(60, TimeUnit.SECONDS).task().name()).isEqualTo("late");
  }

  @Test
  void closingDropsEverythingAndReleasesTakers() throws Exception {
    CompletableFuture<Deletion> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        queue.take();
        return queue.take();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    queue.replace("a", List.of(d("a", "a1")));
    Await.until("the taker has a1", () -> queue.size() == 0);
    queue.replace("b", List.of(d("b", "b1"), d("b", "b2")));
    // The taker got a1 and at most b1; close drops the rest and releases it if it waits.
    int dropped = queue.close();
    assertThat(dropped).isBetween(1, 2);
    assertThat(queue.size()).isZero();
    Deletion second = waiting.get(60, TimeUnit.SECONDS);
    assertThat(second == null || second.task().name().equals("b1")).isTrue();
    assertThat(queue.take()).isNull();
    queue.replace("c", List.of(d("c", "c1")));
    assertThat(queue.size()).isZero();
  }

  private List<String> drain() throws InterruptedException {
    List<String> names = new ArrayList<>();
    Deletion next;
    while ((next = queue.poll(0)) != null) {
      names.add(next.task().name());
    }
    return names;
  }

  private static Deletion d(String namespace, String name) {
    return new Deletion(FinishedTask.of(TestTasks.finished(namespace, name, Instant.EPOCH)).orElseThrow(),
        Set.of(RetentionRule.TTL));
  }
}
