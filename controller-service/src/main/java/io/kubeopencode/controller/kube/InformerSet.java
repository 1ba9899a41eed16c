package io.kubeopencode.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The informers of one kind: a single one for all namespaces, or one per watched namespace. Reads go to their
 * caches, never to the API server.
 */
final class InformerSet<T extends HasMetadata> implements AutoCloseable {
  private final List<SharedIndexInformer<T>> informers;

  /**
   * @param source the informable for a namespace ({@code null}: all namespaces)
   * @param namespaces watched namespaces; empty means all
   */
  InformerSet(Function<String, Informable<T>> source, List<String> namespaces, Duration resync,
      Map<String, Function<T, List<String>>> indexers, ResourceEventHandler<T> handler) {
    List<String> scopes = namespaces.isEmpty() ? java.util.Collections.singletonList(null) : namespaces;
    this.informers = scopes.stream().map(ns -> {
      Informable<T> informable = source.apply(ns);
      if (!indexers.isEmpty()) {
        informable = informable.withIndexers(indexers);
      }
      SharedIndexInformer<T> informer = informable.runnableInformer(resync.toMillis());
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      return informer;
    }).toList();
  }

  CompletableFuture<Void> start() {
    return CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
  }

  boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  Optional<T> get(String namespace, String name) {
    String key = namespace + "/" + name;
    return informers.stream().map(i -> i.getStore().getByKey(key)).filter(java.util.Objects::nonNull).findFirst();
  }

  List<T> byIndex(String index, String key) {
    return informers.stream().flatMap(i -> i.getIndexer().byIndex(index, key).stream()).toList();
  }

  Stream<T> list() {
    return informers.stream().flatMap(i -> i.getStore().list().stream());
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }
}
