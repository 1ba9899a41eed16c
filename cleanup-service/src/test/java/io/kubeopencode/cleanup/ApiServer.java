package io.kubeopencode.cleanup;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kubeopencode.api.KubeOpenCode;
import io.kubeopencode.api.v1alpha1.CleanupPolicy;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfigSpec;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The real API server the tests share (one per test JVM, CRDs installed) and what they do on it: create Tasks as
 * the controller leaves them (status through the status subresource), apply and delete KubeOpenCodeConfigs.
 */
public final class ApiServer {
  private static KubeCluster cluster;

  private ApiServer() {}

  public static synchronized KubeCluster cluster() {
    if (cluster == null) {
      cluster = KubeCluster.shared();
      cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    }
    return cluster;
  }

  public static KubernetesClient client() {
    return cluster().client();
  }

  public static String namespace(String prefix) {
    return cluster().createNamespace(prefix);
  }

  /** A Task created, then given a phase and completionTime through the status subresource. */
  public static Task createTask(String namespace, String name, TaskPhase phase, String completionTime) {
    Task created = client().resource(TestTasks.newTask(namespace, name)).create();
    if (phase == null) {
      return created;
    }
    created.setStatus(TestTasks.status(phase, completionTime));
    return client().resource(created).updateStatus();
  }

  public static Task createFinished(String namespace, String name, Instant completed) {
    return createTask(namespace, name, TaskPhase.Completed, completed.toString());
  }

  /** {@code count} Tasks named t00000, t00001, ... that finished an hour ago, a millisecond apart, oldest first. */
  public static void createExpired(String namespace, int count) {
    Instant longAgo = Instant.now().minusSeconds(3600);
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        created.add(pool.submit(() -> createFinished(namespace, String.format("t%05d", n), longAgo.plusMillis(n))));
      }
      for (Future<?> f : created) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating Tasks failed", e.getCause());
    }
  }

  /** Creates or replaces the namespace's KubeOpenCodeConfig {@code default} with this cleanup section. */
  public static void applyConfig(String namespace, Long ttlSecondsAfterFinished, Integer maxRetainedTasks) {
    KubeOpenCodeConfig config = new KubeOpenCodeConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(KubeOpenCode.CONFIG_NAME).build());
    config.setSpec(new KubeOpenCodeConfigSpec(null, new CleanupPolicy(ttlSecondsAfterFinished, maxRetainedTasks)));
    client().resource(config).fieldManager("cleanup-test").forceConflicts().serverSideApply();
  }

  public static void deleteConfig(String namespace) {
    client().resources(KubeOpenCodeConfig.class).inNamespace(namespace).withName(KubeOpenCode.CONFIG_NAME).delete();
  }

  public static Set<String> taskNames(String namespace) {
    return client().resources(Task.class).inNamespace(namespace).list().getItems().stream()
        .map(t -> t.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Configuration of one service instance watching only {@code namespace}, port 0 on loopback, fast leader election
   * with the Lease in that namespace, a fast delete rate; {@code overrides} win.
   */
  public static Config serviceConfig(String namespace, String identity, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(Map.ofEntries(
        Map.entry("server.port", "0"),
        Map.entry("server.host", "127.0.0.1"),
        Map.entry("cleanup.namespaces", namespace),
        Map.entry("cleanup.delete-rate", "200"),
        Map.entry("cleanup.delete-burst", "20"),
        Map.entry("leader-election.lease-namespace", namespace),
        Map.entry("leader-election.identity", identity),
        Map.entry("leader-election.lease-duration", "PT3S"),
        Map.entry("leader-election.renew-deadline", "PT2S"),
        Map.entry("leader-election.retry-period", "PT0.5S"),
        Map.entry("shutdown.timeout", "PT10S")));
    values.putAll(overrides);
    return Config.just(ConfigSources.create(values));
  }

  public static void await(BooleanSupplier condition, Duration timeout, String what) {
    Await.until(what, timeout, condition);
  }

  /**
   * Waits until an instance's count reaches {@code expected}. A Task disappears from the API server a moment before
   * the deleter that removed it counts it, so counts are awaited, not read right after the Task is gone.
   */
  public static void awaitCount(LongSupplier count, long expected, String what) {
    Await.until(what + " reaching " + expected, () -> count.getAsLong() >= expected);
    if (count.getAsLong() != expected) {
      throw new AssertionError(what + " is " + count.getAsLong() + ", expected " + expected);
    }
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
