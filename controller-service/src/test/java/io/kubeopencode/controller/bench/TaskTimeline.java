package io.kubeopencode.controller.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the benchmark's own watches see of each Task, as {@link System#nanoTime()} when first seen: the Task
 * (ADDED), its first workload (a Job or a Pod labelled {@code kubeopencode.io/task=<name>} and managed by
 * kubeopencode: the controller creates Jobs today and is moving to bare Pods), phase Running, and a finished phase
 * (Completed or Failed).
 */
final class TaskTimeline implements AutoCloseable {
  /** One Task's observations; 0 = not seen (yet). */
  static final class Entry {
    volatile long createReturned;
    volatile long added;
    volatile long workload;
    volatile String workloadKind;
    volatile long running;
    volatile long finished;
    volatile TaskPhase finalPhase;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers;
  private volatile long firstWorkload;

  TaskTimeline(KubernetesClient client, String namespace) {
    informers = List.of(
        client.resources(Task.class).inNamespace(namespace).inform(handler(this::onTask)),
        client.batch().v1().jobs().inNamespace(namespace)
            .withLabel(KubeOpenCode.LABEL_MANAGED_BY, KubeOpenCode.MANAGED_BY_VALUE).inform(handler(this::onWorkload)),
        client.pods().inNamespace(namespace)
            .withLabel(KubeOpenCode.LABEL_MANAGED_BY, KubeOpenCode.MANAGED_BY_VALUE).inform(handler(this::onWorkload)));
  }

  Entry entry(String task) {
    return entries.computeIfAbsent(task, k -> new Entry());
  }

  /** The Tasks named {@code names} that finished. */
  long finished(List<String> names) {
    return names.stream().filter(n -> entries.containsKey(n) && entries.get(n).finished != 0).count();
  }

  /** nanoTime of the first workload seen for any Task; 0 if none yet. */
  long firstWorkload() {
    return firstWorkload;
  }

  private void onTask(Task task) {
    long now = System.nanoTime();
    Entry entry = entry(task.getMetadata().getName());
    if (entry.added == 0) {
      entry.added = now;
    }
    TaskPhase phase = task.getStatus() == null ? null : task.getStatus().phase();
    if (phase == TaskPhase.Running && entry.running == 0) {
      entry.running = now;
    }
    if (phase != null && phase.isFinished() && entry.finished == 0) {
      entry.finalPhase = phase;
      entry.finished = now;
    }
  }

  private void onWorkload(HasMetadata workload) {
    long now = System.nanoTime();
    String task = workload.getMetadata().getLabels().get(KubeOpenCode.LABEL_TASK);
    if (task == null) {
      return;
    }
    Entry entry = entry(task);
    synchronized (this) { // the Job and the Pod informers each call this on their own thread
      if (firstWorkload == 0) {
        firstWorkload = now;
      }
      if (entry.workload == 0) {
        entry.workloadKind = workload.getKind();
        entry.workload = now;
      }
    }
  }

  /** One thread per informer calls these (fabric8 dispatches each informer's events serially). */
  private static <T> ResourceEventHandler<T> handler(Consumer<T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        seen.accept(object);
      }

      @Override
      public void onUpdate(T oldObject, T object) {
        seen.accept(object);
      }

      @Override
      public void onDelete(T object, boolean deletedFinalStateUnknown) {}
    };
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }
}
