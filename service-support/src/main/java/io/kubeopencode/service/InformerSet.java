package io.kubeopencode.service;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The fabric8 informers of one kind: a single one for all namespaces, or one per watched namespace. Reads go to
 * their caches, never to the API server.
 */
public final class InformerSet<T extends HasMetadata> implements AutoCloseable {
  private final List<SharedIndexInformer<T>> informers;
  private volatile boolean closed;

  /**
   * @param source the informable for a namespace ({@code null}: all namespaces)
   * @param namespaces watched namespaces; empty means all
   * @param resync how often every cached object is handed to the handler again ({@link Duration#ZERO}: never)
   * @param indexers extra indexes by name
   * @param store the store of each informer, or {@code null} for fabric8's (full objects)
   * @param handler told of every change, or {@code null}
   */
  public InformerSet(Function<String, Informable<T>> source, List<String> namespaces, Duration resync,
      Map<String, Function<T, List<String>>> indexers, Supplier<ItemStore<T>> store, ResourceEventHandler<T> handler) {
    List<String> scopes = namespaces.isEmpty() ? Collections.singletonList(null) : namespaces;
    this.informers = scopes.stream().map(ns -> {
      Informable<T> informable = source.apply(ns);
      if (!indexers.isEmpty()) {
        informable = informable.withIndexers(indexers);
      }
      SharedIndexInformer<T> informer = informable.runnableInformer(resync.toMillis());
      if (store != null) {
        informer.itemStore(store.get());
      }
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      return informer;
    }).toList();
  }

  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
  }

  /**
   * False once an informer has stopped although it was not closed (its watch failed for good, e.g. the permission
   * was revoked): its cache no longer changes, so a liveness check should restart the service.
   */
  public boolean isWatching() {
    return closed || informers.stream().noneMatch(i -> i.stopped().toCompletableFuture().isDone());
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  public Optional<T> get(String namespace, String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    return informers.stream().map(i -> i.getStore().getByKey(key)).filter(Objects::nonNull).findFirst();
  }

  public List<T> byIndex(String index, String key) {
    return informers.stream().flatMap(i -> i.getIndexer().byIndex(index, key).stream()).toList();
  }

  public List<T> inNamespace(String namespace) {
    return byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  /** Every cached object. */
  public Stream<T> list() {
    return informers.stream().flatMap(i -> i.getStore().list().stream());
  }

  /** The namespaces of the cached objects. */
  public Stream<String> namespaces() {
    return informers.stream().flatMap(i -> i.getStore().listKeys().stream())
        .map(key -> key.substring(0, Math.max(0, key.indexOf('/'))));
  }

  @Override
  public void close() {
    closed = true;
    informers.forEach(SharedIndexInformer::stop);
  }
}
