package io.kubeopencode.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final WorkQueue queue = new WorkQueue();

  @Test
  void aKeyIsQueuedOnceHoweverOftenItIsAdded() throws Exception {
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");

    assertThat(queue.depth()).isEqualTo(2);
    assertThat(queue.take()).contains("ns/a");
    assertThat(queue.take()).contains("ns/b");
  }

  @Test
  void aKeyAddedWhileBeingWorkedOnIsQueuedAgainAfterwardsNotGivenToAnotherWorker() throws Exception {
    queue.add("ns/a");
    String key = queue.take().orElseThrow();
    queue.add("ns/a");

    assertThat(queue.depth()).as("not handed out while active").isZero();
    queue.done(key);
    assertThat(queue.depth()).isEqualTo(1);
    assertThat(queue.take()).contains("ns/a");
  }

  @Test
  void addAfterDelays() throws Exception {
    queue.addAfter("ns/a", Duration.ofMillis(150));
    assertThat(queue.depth()).isZero();
    long start = System.nanoTime();
    assertThat(queue.take()).contains("ns/a");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void addAfterDebouncesAKeyThatIsAlreadyWaiting() throws Exception {
    queue.addAfter("ns/a", Duration.ofMillis(150));
    queue.addAfter("ns/a", Duration.ofMillis(150));
    queue.addAfter("ns/a", Duration.ofMillis(150));

    assertThat(queue.take()).contains("ns/a");
    queue.done("ns/a");
    Thread.sleep(300);
    assertThat(queue.depth()).as("one pass for three delayed adds").isZero();

    queue.addAfter("ns/a", Duration.ofMillis(50));
    assertThat(queue.take()).as("after it fired, the key can be delayed again").contains("ns/a");
  }

  @Test
  void aShorterDelayReplacesALongerOnePendingForTheSameKey() throws Exception {
    queue.addAfter("ns/a", Duration.ofMinutes(10));
    queue.addAfter("ns/a", Duration.ofMillis(50));

    assertThat(takeWithin(Duration.ofSeconds(30))).as("a quick retry never waits for a long timer")
        .contains("ns/a");
    queue.done("ns/a");
    Thread.sleep(200);
    assertThat(queue.depth()).as("the replaced timer does not fire as well").isZero();
  }

  @Test
  void aLongerDelayNeverPostponesAShorterOne() throws Exception {
    queue.addAfter("ns/a", Duration.ofMillis(50));
    queue.addAfter("ns/a", Duration.ofMinutes(10));

    assertThat(takeWithin(Duration.ofSeconds(30))).contains("ns/a");
  }

  private Optional<String> takeWithin(Duration timeout) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void closingReleasesWaitingWorkers() throws Exception {
    var result = Executors.newSingleThreadExecutor().submit(queue::take);
    Thread.sleep(50); // most likely waiting by now; if not, take() finds the queue closed: the same result
    queue.close();
    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
  }

  @Test
  void workersNeverHoldTheSameKeyAtOnce() throws Exception {
    ConcurrentHashMap<String, AtomicInteger> holders = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(4);
    try (var workers = Executors.newFixedThreadPool(4)) {
      for (int w = 0; w < 4; w++) {
        workers.submit(() -> {
          try {
            Optional<String> key;
            while ((key = queue.take()).isPresent()) {
              if (holders.computeIfAbsent(key.get(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              Thread.sleep(1);
              holders.get(key.get()).decrementAndGet();
              processed.incrementAndGet();
              queue.done(key.get());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            finished.countDown();
          }
        });
      }
      for (int i = 0; i < 2000; i++) {
        queue.add("ns/" + List.of("a", "b", "c").get(i % 3));
      }
      // Not a fixed pause: on a busy machine the workers may not have run at all within it.
      Await.until("the workers emptied the queue", () -> processed.get() > 0 && queue.depth() == 0);
      queue.close();
      assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(overlaps).hasValue(0);
    assertThat(processed.get()).isPositive();
  }
}
