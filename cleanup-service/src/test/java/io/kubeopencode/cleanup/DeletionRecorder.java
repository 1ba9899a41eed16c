package io.kubeopencode.cleanup;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubeopencode.api.v1alpha1.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches a namespace's Tasks and notes when each was deleted, as the API server reports it. The watch starts at the
 * current resourceVersion: without one the API server would first replay an ADDED event per existing Task, and
 * deletions would be seen late.
 */
public final class DeletionRecorder implements AutoCloseable {
  private final Map<String, Instant> deletedAt = new ConcurrentHashMap<>();
  private final List<String> order = new CopyOnWriteArrayList<>();
  private final Watch watch;

  public DeletionRecorder(String namespace) {
    String now = ApiServer.client().resources(Task.class).inNamespace(namespace)
        .list(new ListOptionsBuilder().withLimit(1L).build()).getMetadata().getResourceVersion();
    this.watch = ApiServer.client().resources(Task.class).inNamespace(namespace).withResourceVersion(now)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Task task) {
            if (action == Action.DELETED) {
              deletedAt.put(task.getMetadata().getName(), Instant.now());
              order.add(task.getMetadata().getName());
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
  }

  public boolean deleted(String name) {
    return deletedAt.containsKey(name);
  }

  public Instant at(String name) {
    Instant at = deletedAt.get(name);
    if (at == null) {
      throw new AssertionError(name + " was not deleted");
    }
    return at;
  }

  public int count() {
    return order.size();
  }

  /** Names in the order the deletions were seen. */
  public List<String> order() {
    return List.copyOf(order);
  }

  /** Deletion times, in order. */
  public List<Instant> times() {
    return new ArrayList<>(deletedAt.values()).stream().sorted().toList();
  }

  public void awaitDeleted(String name, Duration timeout) {
    ApiServer.await(() -> deleted(name), timeout, name + " deleted");
  }

  @Override
  public void close() {
    watch.close();
  }
}
