package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeCluster;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Leader election against a real kube-apiserver. */
@Tag("apiserver")
class LeaderElectionTest {
  private static final String LEASE = "kubeopencode-test";

  private final KubeCluster cluster = KubeCluster.shared();
  private final KubernetesClient client = cluster.client();
  private final List<LeaderElection> elections = new ArrayList<>();

  @AfterEach
  void closeElections() {
    elections.forEach(LeaderElection::close);
  }

  @Test
  void exactlyOneLeadsAndAStandbyTakesOverSoonAfterTheLeaderCloses() throws InterruptedException {
    String namespace = cluster.createNamespace("leader-election");
    // A lease far longer than the wait for the takeover: a takeover at all shows that close() released the lease.
    Duration leaseDuration = Duration.ofSeconds(120);
    LeaseRecordingListener firstListener = new LeaseRecordingListener(namespace);
    LeaseRecordingListener secondListener = new LeaseRecordingListener(namespace);
    LeaderElection first = election(namespace, "replica-a", leaseDuration, firstListener);
    LeaderElection second = election(namespace, "replica-b", leaseDuration, secondListener);
    first.start();
    second.start();

    // The listener is told after isLeader() turns true: wait for what the test asserts on, the listener's call.
    Await.until("a leader told to start", () -> firstListener.started.get() + secondListener.started.get() == 1);
    // Several retry periods in which the standby keeps trying: never two leaders.
    for (int i = 0; i < 15; i++) {
      assertThat(first.isLeader() && second.isLeader()).as("two leaders").isFalse();
      Thread.sleep(100);
    }
    LeaseRecordingListener leaderListener = firstListener.started.get() == 1 ? firstListener : secondListener;
    LeaderElection leader = leaderListener == firstListener ? first : second;
    LeaderElection standby = leader == first ? second : first;
    LeaseRecordingListener standbyListener = leader == first ? secondListener : firstListener;
    assertThat(holder(namespace)).contains(leader.identity());
    assertThat(leader.isLeader()).isTrue();
    assertThat(leader.isHealthy()).isTrue();
    assertThat(standby.isHealthy()).as("a standby is healthy").isTrue();
    assertThat(standbyListener.started.get()).isZero();

    leader.close();
    assertThat(leader.isLeader()).isFalse();
    assertThat(leader.isHealthy()).isFalse();
    assertThat(leaderListener.stopped.get()).isEqualTo(1);
    // Told to stop while it still held the lease: no successor could start before its workers stopped. (fabric8
    // releases a lease by clearing its holder and cutting its duration to 1 s.)
    assertThat(leaderListener.leaseWhenStopped).containsExactly(leader.identity() + " for 120 s");
    Duration takeover = Await.until("the standby told to start", () -> standbyListener.started.get() == 1);
    System.out.println("standby took over " + takeover.toMillis() + " ms after the leader closed");

    assertThat(holder(namespace)).contains(standby.identity());
    assertThat(standby.isLeader()).isTrue();
    assertThat(standby.isHealthy()).isTrue();
  }

  @Test
  void aLeaderThatLosesTheLeaseStopsLeadingAndCompetesAgain() {
    String namespace = cluster.createNamespace("leader-election");
    CountingListener listener = new CountingListener();
    // The replica takes the lease back once the intruder's renewal is a lease duration old: a short one.
    LeaderElection election = election(namespace, "replica-a", Duration.ofSeconds(6), listener);
    election.start();
    // LeaderElection flips isLeader() before it calls the listener: await the calls, not the flag.
    Await.until("told to lead", () -> listener.started.get() == 1);

    // Another holder takes the lease over behind this replica's back (as after a long pause of this JVM).
    takeOverLease(namespace, "intruder");

    Await.until("told to stop leading", () -> listener.stopped.get() == 1);
    assertThat(election.isLeader()).isFalse();
    assertThat(election.isHealthy()).isTrue();
    // The intruder never renews: once its lease has run out, the replica leads again.
    Await.until("told to lead again", () -> listener.started.get() == 2);
    assertThat(election.isLeader()).isTrue();
    assertThat(holder(namespace)).contains(election.identity());
    assertThat(listener.stopped.get()).isEqualTo(1);
  }

  @Test
  void disabledLeadsAtOnceWithoutALease() {
    String namespace = cluster.createNamespace("leader-election");
    CountingListener listener = new CountingListener();
    LeaderElectionSettings settings = new LeaderElectionSettings(false, LEASE, Optional.of(namespace),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), "single");
    LeaderElection election = new LeaderElection(client, settings, listener);
    elections.add(election);

    election.start();
    assertThat(election.isLeader()).isTrue();
    assertThat(election.isHealthy()).isTrue();
    assertThat(listener.started.get()).isEqualTo(1);

    election.close();
    assertThat(election.isLeader()).isFalse();
    assertThat(listener.stopped.get()).isEqualTo(1);
    assertThat(client.leases().inNamespace(namespace).list().getItems()).isEmpty();
  }

  /** Retries every 300 ms; gives up leading only after failing to renew for 2/3 of the lease (a slow API server). */
  private LeaderElection election(String namespace, String identity, Duration leaseDuration,
      LeadershipListener listener) {
    LeaderElectionSettings settings = new LeaderElectionSettings(true, LEASE, Optional.of(namespace), leaseDuration,
        leaseDuration.multipliedBy(2).dividedBy(3), Duration.ofMillis(300), identity);
    LeaderElection election = new LeaderElection(client, settings, listener);
    elections.add(election);
    return election;
  }

  /** Writes another holder into the Lease, retrying when a renewal by the replica got in between. */
  private void takeOverLease(String namespace, String intruder) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.leases().inNamespace(namespace).withName(LEASE).edit(lease -> {
          lease.getSpec().setHolderIdentity(intruder);
          lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
          return lease;
        });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private Optional<String> holder(String namespace) {
    Lease lease = client.leases().inNamespace(namespace).withName(LEASE).get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
  }

  private static class CountingListener implements LeadershipListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();

    @Override
    public void startedLeading() {
      started.incrementAndGet();
    }

    @Override
    public void stoppedLeading() {
      stopped.incrementAndGet();
    }
  }

  /** Also records the Lease as it was when the listener was told to stop (when its workers would still run). */
  private final class LeaseRecordingListener extends CountingListener {
    final String namespace;
    final List<String> leaseWhenStopped = new CopyOnWriteArrayList<>();

    LeaseRecordingListener(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public void stoppedLeading() {
      Lease lease = client.leases().inNamespace(namespace).withName(LEASE).get();
      leaseWhenStopped.add(lease.getSpec().getHolderIdentity() + " for " + lease.getSpec().getLeaseDurationSeconds()
          + " s");
      super.stoppedLeading();
    }
  }
}
