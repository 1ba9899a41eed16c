package io.kubeopencode.controller;

import io.kubeopencode.podcontract.ProgramVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.config.Config;
import io.kubeopencode.controller.kube.Caches;
import io.kubeopencode.controller.kube.TaskController;
import io.kubeopencode.controller.kube.WorkQueue;
import io.kubeopencode.controller.reconcile.TaskReconciler;
import io.kubeopencode.service.FatalErrors;
import io.kubeopencode.service.KubeClients;
import io.kubeopencode.service.LeaderElection;
import io.kubeopencode.service.LeadershipListener;
import io.kubeopencode.service.ObservableServer;
import io.kubeopencode.service.ServiceConfig;
import io.kubeopencode.service.ShutdownCoordinator;
import java.time.Clock;

/**
 * The controller-service: informer caches, the reconcile loop (only while leader), health and metrics. Runs
 * against the cluster of the current kubeconfig, or in-cluster with its service account.
 */
public final class Main {
  private static final System.Logger LOG = System.getLogger(Main.class.getName());

  private Main() {}

  /** A started controller: its HTTP port, its leader-election identity, and {@link #close()} to stop it. */
  public record Running(int port, LeaderElection election, TaskController controller, ShutdownCoordinator shutdown)
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
    ControllerSettings settings = ControllerSettings.from(config);
    WorkQueue queue = new WorkQueue();
    WorkQueue agentQueue = new WorkQueue();
    Caches caches = new Caches(client, settings.namespaces(), settings.resyncPeriod(), queue::add,
        agent -> agentQueue.addAfter(agent, TaskController.AGENT_DEBOUNCE));
    var synced = caches.start().whenComplete((ok, error) -> {
      if (error != null) {
        LOG.log(System.Logger.Level.ERROR, "informers could not start, the service stays unready: " + error.getMessage()
            + " (are the CRDs installed? kubectl apply --server-side -f charts/kubeopencode/crds/)");
      } else {
        LOG.log(System.Logger.Level.INFO, "informers synced {0} ms after the start",
            (System.nanoTime() - started) / 1_000_000);
      }
    });
    // Meters first, then leadership: the workers may start (once the informers have synced) while the web server is
    // still starting, which takes a cold JVM a second or more; its health checks are not on the first Task's path.
    ControllerMeters controllerMeters = new ControllerMeters(ObservableServer.sharedMeterRegistry(), queue, caches);
    TaskController controller = new TaskController(client, caches, queue, agentQueue,
        new TaskReconciler(settings.images(), settings.containerStartGrace(), Clock.systemUTC()), controllerMeters,
        Clock.systemUTC(), settings.workers());
    LeaderElection election = new LeaderElection(client, ServiceConfig.leaderElection(config,
        "kubeopencode-controller"), new LeadershipListener() {
          @Override
          public void startedLeading() {
            synced.join();
            controller.start();
          }

          @Override
          public void stoppedLeading() {
            controller.stop();
          }
        });
    election.start();
    ObservableServer server;
    try {
      server = ObservableServer.builder(config)
          .startup("informers", caches::hasSynced)
          .readiness("informers", caches::hasSynced)
          .readiness("leader-election", election::isHealthy)
          .liveness("leader-election", election::isHealthy)
          .liveness("informers", caches::isWatching)
          .liveness("reconcile-workers", controller::workersAlive)
          .start();
    } catch (RuntimeException e) {
      // No server (the port is taken, say): stop what already runs, so the process can end.
      election.close();
      controller.close();
      caches.close();
      controllerMeters.close();
      shutdown.close(); // nothing registered yet: only removes the hook
      throw e;
    }
    shutdown.register("web server", server::close)
        .register("metrics", controllerMeters::close)
        .register("informers", caches::close)
        .register("work queues", () -> {
          queue.close();
          agentQueue.close();
        })
        .register("leader election", election::close)
        .register("reconcile workers", controller::close)
        .startupComplete();
    LOG.log(System.Logger.Level.INFO, "controller started in {0} ms (namespaces: {1}, workers: {2}, port {3})",
        (System.nanoTime() - started) / 1_000_000, settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
        settings.workers(), server.port());
    return new Running(server.port(), election, controller, shutdown);
  }
}
