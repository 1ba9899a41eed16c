package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.controller.reconcile.Action.RecordEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Posts the Kubernetes Events of Tasks, best effort and off the reconcile workers. {@link #record} only builds the
 * Event and queues it; one sender thread posts the queue with up to {@code maxInFlight} requests outstanding at
 * once, through the client's asynchronous HTTP (no thread waits per request, the response is not decoded), so a
 * burst's Events keep pace with its reconciles. The queue is bounded: when it is full an Event is dropped and
 * counted ({@code kubeopencode_events_total{result="dropped"}}) rather than delaying a worker or growing without
 * limit. A failed post is counted and not repeated (fabric8's own retries of 5xx and 429 apply).
 */
public final class TaskEventRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskEventRecorder.class.getName());
  static final int DEFAULT_CAPACITY = 4096;
  static final int DEFAULT_MAX_IN_FLIGHT = 32;
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Results counted by {@link ControllerMetrics#eventRecorded}. */
  public static final String POSTED = "posted";
  public static final String FAILED = "failed";
  public static final String DROPPED = "dropped";

  private final HttpClient http;
  private final KubernetesSerialization json;
  private final String masterUrl;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final BlockingQueue<Event> queue;
  private final int maxInFlight;
  private final Semaphore inFlight;
  private final Duration closeTimeout;
  private final Thread sender;
  private volatile boolean closed;

  public TaskEventRecorder(KubernetesClient client, ControllerMetrics metrics, Clock clock) {
    this(client, metrics, clock, DEFAULT_CAPACITY, DEFAULT_MAX_IN_FLIGHT, CLOSE_TIMEOUT);
  }

  TaskEventRecorder(KubernetesClient client, ControllerMetrics metrics, Clock clock, int capacity, int maxInFlight,
      Duration closeTimeout) {
    this.http = client.getHttpClient();
    this.json = client.getKubernetesSerialization();
    this.masterUrl = client.getMasterUrl().toString();
    this.metrics = metrics;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.closeTimeout = closeTimeout;
    this.sender = Thread.ofPlatform().name("events").daemon(true).start(this::send);
  }

  /** Queues the Event; never blocks. Dropped (and counted) when the queue is full or the recorder closed. */
  public void record(Task task, RecordEvent event) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Event e = new EventBuilder()
        .withNewMetadata()
          .withGenerateName(task.getMetadata().getName() + ".")
          .withNamespace(task.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(task.getApiVersion())
            .withKind(task.getKind()).withNamespace(task.getMetadata().getNamespace())
            .withName(task.getMetadata().getName()).withUid(task.getMetadata().getUid())
            .withResourceVersion(task.getMetadata().getResourceVersion()).build())
        .withType(event.warning() ? "Warning" : "Normal")
        .withReason(event.reason())
        .withMessage(event.message())
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent("kubeopencode-controller").endSource()
        .withReportingComponent("kubeopencode.io/controller")
        .withReportingInstance(instance)
        .build();
    if (closed || !queue.offer(e)) {
      metrics.eventRecorded(DROPPED);
      LOG.log(System.Logger.Level.DEBUG, "dropped event {0} of task {1}/{2}: {3}", event.reason(),
          task.getMetadata().getNamespace(), task.getMetadata().getName(), closed ? "closed" : "queue full");
    }
  }

  /** Events queued and not yet handed to the HTTP client. */
  int queued() {
    return queue.size();
  }

  private void send() {
    try {
      while (!closed || !queue.isEmpty()) {
        Event event = queue.poll(100, TimeUnit.MILLISECONDS);
        if (event == null) {
          continue;
        }
        inFlight.acquire();
        post(event);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void post(Event event) {
    String namespace = event.getMetadata().getNamespace();
    try {
      HttpRequest request = http.newHttpRequestBuilder()
          .uri(URLUtils.join(masterUrl, "api", "v1", "namespaces", namespace, "events"))
          .post("application/json", json.asJson(event).getBytes(StandardCharsets.UTF_8))
          .build();
      http.sendAsync(request, String.class).whenComplete((response, error) -> {
        try {
          if (error == null && response.isSuccessful()) {
            metrics.eventRecorded(POSTED);
          } else {
            metrics.eventRecorded(FAILED);
            // Events are best effort: losing one must not fail or repeat the reconcile.
            LOG.log(System.Logger.Level.DEBUG, "could not record event {0} in {1}: {2}", event.getReason(),
                namespace, error != null ? error.toString() : response.code() + " " + response.body());
          }
        } finally {
          inFlight.release();
        }
      });
    } catch (RuntimeException e) {
      inFlight.release();
      metrics.eventRecorded(FAILED);
      LOG.log(System.Logger.Level.DEBUG, "could not record event {0} in {1}: {2}", event.getReason(), namespace,
          e.toString());
    }
  }

  /** Stops taking Events and waits up to {@link #CLOSE_TIMEOUT} for those already queued to be posted. */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    try {
      if (!sender.join(closeTimeout)) {
        sender.interrupt();
      }
      long left = Math.max(0, deadline - System.nanoTime());
      if (inFlight.tryAcquire(maxInFlight, left, TimeUnit.NANOSECONDS)) {
        inFlight.release(maxInFlight);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!queue.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "gave up posting {0} queued events on close", queue.size());
    }
  }
}
