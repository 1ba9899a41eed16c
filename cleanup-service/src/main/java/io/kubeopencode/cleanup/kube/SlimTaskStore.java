package io.kubeopencode.cleanup.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The Task informer's store, keeping of each Task only what retention reads: identity, deletion timestamp, phase
 * and completionTime. A Task's spec, outputs, conditions and log tail (up to 16 KiB) are dropped, so 10,000 Tasks
 * cost a few MiB, not hundreds. Reads return the kept objects as they are (no copy, no deserialisation).
 */
final class SlimTaskStore implements ItemStore<Task> {
  private final ConcurrentHashMap<String, Task> items = new ConcurrentHashMap<>();

  /** The part of a Task retention uses. */
  static Task slim(Task full) {
    ObjectMeta meta = full.getMetadata();
    Task slim = new Task();
    slim.setMetadata(new ObjectMetaBuilder()
        .withNamespace(meta.getNamespace())
        .withName(meta.getName())
        .withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion())
        .withDeletionTimestamp(meta.getDeletionTimestamp())
        .build());
    TaskStatus status = full.getStatus();
    if (status != null) {
      slim.setStatus(new TaskStatus(null, status.phase(), null, null, null, null, status.completionTime(), null,
          null, null));
    }
    return slim;
  }

  @Override
  public String getKey(Task task) {
    return Cache.metaNamespaceKeyFunc(task);
  }

  @Override
  public Task put(String key, Task task) {
    return items.put(key, slim(task));
  }

  @Override
  public Task remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<Task> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public Task get(String key) {
    return items.get(key);
  }

  /** Not the full objects: fabric8 then hands new objects to the handlers at once, not after the first list. */
  @Override
  public boolean isFullState() {
    return false;
  }
}
