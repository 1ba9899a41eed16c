package io.kubeopencode.cleanup.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.service.InformerSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The two caches retention reads: Tasks (slimmed, see {@link SlimTaskStore}) and KubeOpenCodeConfigs, in all
 * namespaces or in the listed ones. Every change is reported to the {@link Listener}.
 */
public final class RetentionCaches implements AutoCloseable {
  /** Told of every change; called on fabric8's event thread, so it must return quickly. */
  public interface Listener {
    /**
     * @param previous the cached (slim) version before an update; {@code null} for an addition or a deletion
     * @param task     the new version, or the last known one of a deleted Task
     */
    void taskChanged(Task previous, Task task, boolean deleted);

    void configChanged(String namespace);
  }

  private static final Listener IGNORE = new Listener() {
    @Override
    public void taskChanged(Task previous, Task task, boolean deleted) {}

    @Override
    public void configChanged(String namespace) {}
  };

  private final InformerSet<Task> tasks;
  private final InformerSet<KubeOpenCodeConfig> configs;
  private final List<String> namespaces;
  private volatile Listener listener = IGNORE;
  private final CompletableFuture<Void> synced = new CompletableFuture<>();

  /** @param namespaces namespaces to watch; empty means all */
  public RetentionCaches(KubernetesClient client, List<String> namespaces) {
    this.namespaces = List.copyOf(namespaces);
    this.tasks = new InformerSet<>(ns -> ns == null ? client.resources(Task.class).inAnyNamespace()
        : client.resources(Task.class).inNamespace(ns), this.namespaces, Duration.ZERO, Map.of(), SlimTaskStore::new, new Handler<>(
            (previous, task, deleted) -> listener.taskChanged(previous, task, deleted)));
    this.configs = new InformerSet<>(ns -> ns == null ? client.resources(KubeOpenCodeConfig.class).inAnyNamespace()
        : client.resources(KubeOpenCodeConfig.class).inNamespace(ns), this.namespaces, Duration.ZERO, Map.of(), null, new Handler<>(
            (previous, config, deleted) -> listener.configChanged(config.getMetadata().getNamespace())));
  }

  public void listen(Listener listener) {
    this.listener = listener;
  }

  /** Starts both informers; the returned future (also {@link #synced()}) completes after their first lists. */
  public CompletableFuture<Void> start() {
    CompletableFuture.allOf(tasks.start(), configs.start()).whenComplete((ok, error) -> {
      if (error != null) {
        synced.completeExceptionally(error);
      } else {
        synced.complete(null);
      }
    });
    return synced;
  }

  public CompletableFuture<Void> synced() {
    return synced;
  }

  /** False once an informer stopped by itself: the caches would never change again (liveness). */
  public boolean isWatching() {
    return tasks.isWatching() && configs.isWatching();
  }

  public boolean hasSynced() {
    return tasks.hasSynced() && configs.hasSynced();
  }

  /** The watched namespaces; empty means all. */
  public List<String> watchedNamespaces() {
    return namespaces;
  }

  public List<Task> tasksIn(String namespace) {
    return tasks.inNamespace(namespace);
  }

  public Optional<Task> task(String namespace, String name) {
    return tasks.get(namespace, name);
  }

  public Optional<KubeOpenCodeConfig> config(String namespace) {
    return configs.get(namespace, KubeOpenCode.CONFIG_NAME);
  }

  /** The UIDs of every cached Task. */
  public Set<String> taskUids() {
    return tasks.list().map(t -> t.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /** Namespaces that have a Task or a KubeOpenCodeConfig, sorted. */
  public Set<String> namespaces() {
    return Stream.concat(tasks.namespaces(), configs.namespaces())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public void close() {
    tasks.close();
    configs.close();
  }

  /** Receives (previous version or null, object, deleted). */
  private interface Change<T> {
    void accept(T previous, T object, boolean deleted);
  }

  private record Handler<T>(Change<T> onChange) implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T obj) {
      onChange.accept(null, obj, false);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      onChange.accept(oldObj, newObj, false);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      onChange.accept(null, obj, true);
    }
  }
}
