package io.kubeopencode.service;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes one replica of a service the leader, through fabric8's {@link LeaderElector} on a
 * {@code coordination.k8s.io/v1} Lease. The elector runs on a background thread; after it loses leadership (a
 * fabric8 elector is single-use) a new one competes again, until {@link #close()}, which stops the listener and then
 * releases the lease (fabric8 cuts its duration to 1 s), so a standby takes over within about a second and a retry
 * period instead of a whole lease duration.
 *
 * <p>With {@code enabled=false} the instance is leader from {@link #start()} to {@link #close()} and no Lease is
 * touched.
 */
public final class LeaderElection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final LeaderElectionSettings settings;
  private final LeadershipListener listener;
  private final String leaseNamespace;
  private final AtomicBoolean leader = new AtomicBoolean();
  private final CountDownLatch closedSignal = new CountDownLatch(1);
  private final Object lock = new Object();
  /** Serialises the listener's calls, so they alternate even when fabric8 and close() report at once. */
  private final Object transitions = new Object();
  private volatile Thread loop;
  private CompletableFuture<?> round;
  private boolean started;
  private volatile boolean closed;

  /**
   * @param client   used for the Lease; not closed here
   * @param listener told when this instance starts and stops leading
   */
  public LeaderElection(KubernetesClient client, LeaderElectionSettings settings, LeadershipListener listener) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.leaseNamespace = settings.leaseNamespace().orElseGet(client::getNamespace);
    if (settings.enabled() && (leaseNamespace == null || leaseNamespace.isBlank())) {
      throw new IllegalArgumentException(
          "leader-election.lease-namespace is not set and the Kubernetes client has no namespace");
    }
  }

  /** Starts competing for the lease (or, when disabled, becomes leader at once). Returns immediately. */
  public void start() {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException("leader election already " + (closed ? "closed" : "started"));
      }
      started = true;
      if (!settings.enabled()) {
        LOG.log(System.Logger.Level.INFO, "leader election disabled: {0} leads", settings.identity());
        becameLeader();
        return;
      }
      newElector(); // fails here, on the caller's thread, if fabric8 rejects the settings
      LOG.log(System.Logger.Level.INFO, "competing for lease {0}/{1} as {2}", leaseNamespace, settings.leaseName(),
          settings.identity());
      loop = Thread.ofPlatform().name("leader-election").daemon(true).start(this::competeUntilClosed);
    }
  }

  /** Whether this instance is the leader now. */
  public boolean isLeader() {
    return leader.get();
  }

  /**
   * Whether leader election works: disabled, or the elector loop is running (a standby that is not leader is
   * healthy). False after {@link #close()}.
   */
  public boolean isHealthy() {
    if (closed) {
      return false;
    }
    if (!settings.enabled()) {
      return true;
    }
    Thread current = loop;
    return current != null && current.isAlive();
  }

  public String identity() {
    return settings.identity();
  }

  /**
   * Stops competing. A leader first tells its listener it stopped leading (so its workers stop while it still holds
   * the lease), then releases the lease for a standby to take over. Idempotent.
   */
  @Override
  public void close() {
    Thread loopToJoin;
    CompletableFuture<?> roundToCancel;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closedSignal.countDown();
      loopToJoin = loop;
      roundToCancel = round;
    }
    // fabric8 would release the lease before calling onStopLeading; telling the listener first means a successor
    // never runs alongside this instance's workers.
    stoppedLeading();
    if (roundToCancel != null) {
      // fabric8 releases the lease (withReleaseOnCancel) on this thread if this instance still holds it.
      roundToCancel.cancel(true);
    }
    if (loopToJoin != null) {
      try {
        if (!loopToJoin.join(JOIN_TIMEOUT)) {
          LOG.log(System.Logger.Level.WARNING, "leader election thread did not stop within {0}", JOIN_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LOG.log(System.Logger.Level.INFO, "left leader election for lease {0}/{1}", leaseNamespace,
        settings.leaseName());
  }

  private void competeUntilClosed() {
    while (!closed) {
      CompletableFuture<?> current;
      synchronized (lock) {
        if (closed) {
          return;
        }
        current = newElector().start();
        round = current;
      }
      try {
        current.get();
        if (!closed) {
          LOG.log(System.Logger.Level.INFO, "lost lease {0}/{1}; competing again", leaseNamespace,
              settings.leaseName());
        }
      } catch (CancellationException e) {
        // close() cancelled the round
      } catch (ExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, "leader election round failed; competing again", e.getCause());
      } catch (InterruptedException e) {
        current.cancel(true);
        Thread.currentThread().interrupt();
        return;
      }
      // The round may end without fabric8 calling onStopLeading (API server unreachable): never stay leader.
      stoppedLeading();
      awaitClose(settings.retryPeriod());
    }
  }

  private LeaderElector newElector() {
    LeaderElectionConfig config = new LeaderElectionConfigBuilder()
        .withName(settings.leaseName())
        .withLock(new LeaseLock(leaseNamespace, settings.leaseName(), settings.identity()))
        .withLeaseDuration(settings.leaseDuration())
        .withRenewDeadline(settings.renewDeadline())
        .withRetryPeriod(settings.retryPeriod())
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::becameLeader, this::stoppedLeading, this::observedLeader))
        .build();
    return client.leaderElector().withConfig(config).build();
  }

  private void becameLeader() {
    synchronized (transitions) {
      // Once close() has begun, a lease won in the meantime is released by it; the listener must not start.
      if (closed || leader.get()) {
        return;
      }
      leader.set(true);
      LOG.log(System.Logger.Level.INFO, "{0} became leader of lease {1}/{2}", settings.identity(), leaseNamespace,
          settings.leaseName());
      notify(listener::startedLeading, "startedLeading");
    }
  }

  private void stoppedLeading() {
    // fabric8 may report the same loss twice (observed new holder, then end of the round); tell the listener once.
    synchronized (transitions) {
      if (!leader.get()) {
        return;
      }
      leader.set(false);
      LOG.log(System.Logger.Level.INFO, "{0} stopped leading lease {1}/{2}", settings.identity(), leaseNamespace,
          settings.leaseName());
      notify(listener::stoppedLeading, "stoppedLeading");
    }
  }

  private void observedLeader(String holder) {
    if (holder != null && !holder.equals(settings.identity())) {
      LOG.log(System.Logger.Level.INFO, "lease {0}/{1} is held by {2}", leaseNamespace, settings.leaseName(), holder);
    }
  }

  private static void notify(Runnable callback, String what) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "leadership listener failed in " + what, e);
    }
  }

  private void awaitClose(Duration pause) {
    try {
      closedSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
