package io.kubeopencode.cleanup;

import io.kubeopencode.podcontract.ProgramVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.config.Config;
import io.kubeopencode.cleanup.kube.CleanupLoop;
import io.kubeopencode.cleanup.kube.RetentionCaches;
import io.kubeopencode.cleanup.kube.TaskDeleter;
import io.kubeopencode.cleanup.retention.RetentionSelector;
import io.kubeopencode.service.FatalErrors;
import io.kubeopencode.service.KubeClients;
import io.kubeopencode.service.LeaderElection;
import io.kubeopencode.service.LeadershipListener;
import io.kubeopencode.service.ObservableServer;
import io.kubeopencode.service.ServiceConfig;
import io.kubeopencode.service.ShutdownCoordinator;
import java.time.Clock;

/**
 * The cleanup-service: informer caches of Tasks and KubeOpenCodeConfigs, retention applied only while leader,
 * health and metrics. Runs against the cluster of the current kubeconfig, or in-cluster with its service account.
 */
public final class Main {
  private static final System.Logger LOG = System.getLogger(Main.class.getName());
  static final String LEASE_NAME = "kubeopencode-cleanup";

  private Main() {}

  /** A started service: its HTTP port, its leader-election identity, its loop, and {@link #close()} to stop it. */
  public record Running(int port, LeaderElection election, CleanupLoop cleanup, ShutdownCoordinator shutdown)
      implements AutoCloseable {
    @Override
    public void close() {
      shutdown.close();
    }
  }

  public static void main(String[] args) {
    if (ProgramVersion.requested(args)) {
      System.out.println(ProgramVersion.of(Main.class));
      return;
    }
    FatalErrors.install();
    // The client lives as long as the JVM: shutdown steps still use it (releasing the lease).
    start(ServiceConfig.load(), KubeClients.create());
  }

  /** Starts everything; the returned handle (and SIGTERM) stops it. */
  public static Running start(Config config, KubernetesClient client) {
    long started = System.nanoTime();
    // First: a SIGTERM from here on (even just after the service reports ready) stops everything started.
    ShutdownCoordinator shutdown = new ShutdownCoordinator(ServiceConfig.shutdownTimeout(config)).startingUp()
        .installShutdownHook();
    try {
      return start(config, client, shutdown, started);
    } catch (RuntimeException e) {
      shutdown.startupComplete(); // a failed start-up is over too: the hook must not wait for it at exit
      throw e;
    }
  }

  private static Running start(Config config, KubernetesClient client, ShutdownCoordinator shutdown, long started) {
    CleanupSettings settings = CleanupSettings.from(config);
    RetentionCaches caches = new RetentionCaches(client, settings.namespaces());
    CleanupMeterHolder meters = new CleanupMeterHolder();
    CleanupLoop cleanup = new CleanupLoop(caches, new RetentionSelector(Clock.systemUTC()), new TaskDeleter(client),
        settings.options(), meters, Clock.systemUTC());
    caches.start().whenComplete((ok, error) -> {
      if (error != null) {
        LOG.log(System.Logger.Level.ERROR, "informers could not start, the service stays unready: " + error.getMessage()
            + " (are the CRDs installed? kubectl apply --server-side -f charts/kubeopencode/crds/)");
      }
    });
    LeaderElection election = new LeaderElection(client, ServiceConfig.leaderElection(config, LEASE_NAME),
        new LeadershipListener() {
          @Override
          public void startedLeading() {
            cleanup.start(); // returns at once; the first sweep waits for the caches
          }

          @Override
          public void stoppedLeading() {
            cleanup.stop(); // returns once no deletion is in progress
          }
        });
    ObservableServer server = ObservableServer.builder(config)
        .startup("informers", caches::hasSynced)
        .readiness("informers", caches::hasSynced)
        .readiness("leader-election", election::isHealthy)
        .liveness("leader-election", election::isHealthy)
        .liveness("informers", caches::isWatching)
        .start();
    CleanupMeters cleanupMeters = new CleanupMeters(server.meterRegistry(), cleanup, election);
    meters.set(cleanupMeters);
    election.start();
    shutdown.register("web server", server::close)
        .register("metrics", cleanupMeters::close)
        .register("informers", caches::close)
        .register("leader election", election::close)
        .register("cleanup loop", cleanup::close)
        .startupComplete();
    LOG.log(System.Logger.Level.INFO, "cleanup service started in {0} ms (namespaces: {1}, dry run: {2}, port {3})",
        (System.nanoTime() - started) / 1_000_000, settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
        settings.options().dryRun(), Integer.toString(server.port()));
    return new Running(server.port(), election, cleanup, shutdown);
  }
}
