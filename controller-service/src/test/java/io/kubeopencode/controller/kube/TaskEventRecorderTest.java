package io.kubeopencode.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import io.kubeopencode.testsupport.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Posting Task Events: a stand-in API server on loopback (com.sun.net.httpserver) that can hold requests, answer
 * with an error, and counts how many requests it holds at once.
 */
class TaskEventRecorderTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);

  private HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private KubernetesClient client;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger holding = new AtomicInteger();
  private final AtomicInteger mostHeldAtOnce = new AtomicInteger();
  private volatile CountDownLatch release = new CountDownLatch(0);
  private volatile int status = 201;
  private final Counts metrics = new Counts();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
        .withRequestRetryBackoffLimit(0).build()).build();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    client.close();
    server.stop(0);
    handlers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int now = holding.incrementAndGet();
    mostHeldAtOnce.accumulateAndGet(now, Math::max);
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      holding.decrementAndGet();
    }
    bodies.add(body);
    byte[] answer = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  @Test
  void postsEachEventForItsTask() {
    try (TaskEventRecorder recorder = new TaskEventRecorder(client, metrics, CLOCK)) {
      recorder.record(task("t1", "uid-1"), new RecordEvent(false, "Started", "started the agent"));
      recorder.record(task("t2", "uid-2"), new RecordEvent(true, "AgentFailed", "exit code 1"));
      Await.until("both events posted", () -> metrics.count(TaskEventRecorder.POSTED) == 2);
    }

    assertThat(paths).containsOnly("POST /api/v1/namespaces/ns/events");
    List<Event> events = bodies.stream().map(b -> client.getKubernetesSerialization().unmarshal(b, Event.class))
        .sorted(java.util.Comparator.comparing(e -> e.getInvolvedObject().getName())).toList();
    Event started = events.get(0);
    assertThat(started.getMetadata().getGenerateName()).isEqualTo("t1.");
    assertThat(started.getType()).isEqualTo("Normal");
    assertThat(started.getReason()).isEqualTo("Started");
    assertThat(started.getMessage()).isEqualTo("started the agent");
    assertThat(started.getInvolvedObject().getKind()).isEqualTo("Task");
    assertThat(started.getInvolvedObject().getApiVersion()).isEqualTo("kubeopencode.io/v1alpha1");
    assertThat(started.getInvolvedObject().getUid()).isEqualTo("uid-1");
    assertThat(started.getInvolvedObject().getResourceVersion()).isEqualTo("7");
    assertThat(started.getFirstTimestamp()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(started.getCount()).isEqualTo(1);
    assertThat(started.getSource().getComponent()).isEqualTo("kubeopencode-controller");
    assertThat(events.get(1).getType()).isEqualTo("Warning");
    assertThat(events.get(1).getReason()).isEqualTo("AgentFailed");
    assertThat(metrics.count(TaskEventRecorder.FAILED)).isZero();
  }

  @Test
  void postsSeveralAtOnceAndDropsWhatDoesNotFitTheQueueWithoutBlocking() {
    release = new CountDownLatch(1);
    try (TaskEventRecorder recorder = new TaskEventRecorder(client, metrics, CLOCK, 4, 3, Await.LIVENESS)) {
      for (int i = 0; i < 3; i++) {
        recorder.record(task("t" + i, "u"), new RecordEvent(false, "Started", "x"));
      }
      Await.until("three requests held by the server at once", () -> holding.get() == 3);
      // The sender takes the fourth and waits for a free request slot; the queue is empty again.
      recorder.record(task("t3", "u"), new RecordEvent(false, "Started", "x"));
      Await.until("the sender holding the fourth", () -> recorder.queued() == 0);
      for (int i = 4; i < 14; i++) {
        recorder.record(task("t" + i, "u"), new RecordEvent(false, "Started", "x"));
      }
      assertThat(recorder.queued()).isEqualTo(4);
      assertThat(metrics.count(TaskEventRecorder.DROPPED)).isEqualTo(6);

      release.countDown();
      Await.until("the accepted events posted", () -> metrics.count(TaskEventRecorder.POSTED) == 8);
    }
    assertThat(mostHeldAtOnce.get()).isEqualTo(3);
    assertThat(bodies).hasSize(8);
  }

  @Test
  void aRefusedEventIsCountedAndNotRepeated() {
    status = 403;
    try (TaskEventRecorder recorder = new TaskEventRecorder(client, metrics, CLOCK)) {
      recorder.record(task("t1", "u"), new RecordEvent(false, "Started", "x"));
      Await.until("the refusal counted", () -> metrics.count(TaskEventRecorder.FAILED) == 1);
    }
    assertThat(paths).hasSize(1);
    assertThat(metrics.count(TaskEventRecorder.POSTED)).isZero();
  }

  @Test
  void closePostsWhatIsQueuedThenDropsNewEvents() {
    // close() waits a liveness limit here, not the production 5 s: a busy machine must not fail the test.
    TaskEventRecorder recorder = new TaskEventRecorder(client, metrics, CLOCK, 100, 1, Await.LIVENESS);
    for (int i = 0; i < 20; i++) {
      recorder.record(task("t" + i, "u"), new RecordEvent(false, "Started", "x"));
    }
    recorder.close();
    assertThat(metrics.count(TaskEventRecorder.POSTED)).isEqualTo(20);

    recorder.record(task("late", "u"), new RecordEvent(false, "Started", "x"));
    assertThat(metrics.count(TaskEventRecorder.DROPPED)).isEqualTo(1);
    assertThat(bodies).hasSize(20);
  }

  private static Task task(String name, String uid) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withUid(uid).withResourceVersion("7")
        .build());
    return task;
  }

  private static final class Counts implements ControllerMetrics {
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();

    long count(String result) {
      LongAdder adder = events.get(result);
      return adder == null ? 0 : adder.sum();
    }

    @Override
    public void eventRecorded(String result) {
      events.computeIfAbsent(result, r -> new LongAdder()).increment();
    }

    @Override
    public void reconciled(String result, java.time.Duration duration) {}

    @Override
    public void podCreated() {}

    @Override
    public void admitted(String agentKey, java.time.Duration waited) {}

    @Override
    public void quotaRejected(String agentKey) {}
  }
}
