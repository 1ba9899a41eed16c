package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Creates the scenario's Tasks: a burst as fast as the client can, or a steady rate paced by a schedule. */
final class TaskLoad {
  /** What creating took: the Task names, the first create call's start and the last one's return (nanoTime). */
  record Created(List<String> names, long firstCall, long lastReturn, int failures) {
    double seconds() {
      return (lastReturn - firstCall) / 1e9;
    }

    double rate() {
      return names.size() / seconds();
    }
  }

  private static final int THREADS = 16;

  private final KubernetesClient client;
  private final String namespace;
  private final String agent;
  private final TaskTimeline timeline;
  private final AtomicLong firstCall = new AtomicLong();
  private final AtomicLong lastReturn = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();

  TaskLoad(KubernetesClient client, String namespace, String agent, TaskTimeline timeline) {
    this.client = client;
    this.namespace = namespace;
    this.agent = agent;
    this.timeline = timeline;
  }

  /** {@code count} Tasks from {@value #THREADS} threads, each creating as soon as its previous create returned. */
  Created burst(String prefix, int count) {
    List<String> names = names(prefix, count);
    try (ExecutorService creators = Executors.newFixedThreadPool(THREADS)) {
      names.forEach(name -> creators.submit(() -> create(name)));
    }
    return new Created(names, firstCall.get(), lastReturn.get(), failures.get());
  }

  /**
   * {@code perSecond} Tasks a second for {@code seconds}: a schedule starts one create every 1/rate s, each on a
   * pool thread, so a slow create does not delay the next.
   */
  Created steady(String prefix, int perSecond, int seconds) throws InterruptedException {
    List<String> names = names(prefix, perSecond * seconds);
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService creators = Executors.newFixedThreadPool(THREADS);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor()) {
      pacer.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i < names.size()) {
          creators.submit(() -> create(names.get(i)));
        }
      }, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
      while (next.get() < names.size()) {
        Thread.sleep(50);
      }
      pacer.shutdown();
    }
    return new Created(names, firstCall.get(), lastReturn.get(), failures.get());
  }

  /** One Task that names the Agent and carries a small text context (a ConfigMap), like an ordinary Task. */
  void create(String name) {
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    task.setSpec(new TaskSpec("Benchmark: a prompt of ordinary length for an AI agent.",
        List.of(ContextItem.text("notes", "notes.md", "Some context text.")), AgentReference.of(agent),
        null, null, null));
    firstCall.compareAndSet(0, System.nanoTime());
    try {
      client.resource(task).create();
      long now = System.nanoTime();
      timeline.entry(name).createReturned = now;
      lastReturn.accumulateAndGet(now, Math::max);
    } catch (RuntimeException e) {
      if (failures.getAndIncrement() == 0) {
        System.err.println("creating Task " + name + " failed: " + e.getMessage());
      }
    }
  }

  private static List<String> names(String prefix, int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(String.format("%s-%05d", prefix, i));
    }
    return names;
  }
}
