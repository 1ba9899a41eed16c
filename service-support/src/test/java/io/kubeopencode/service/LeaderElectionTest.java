package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import org.junit.jupiter.api.Test;

/** Leader election against a real kube-apiserver. */
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
  void exactlyOneLeadsAndAStandbyTakesOverSoonAfterTheLeaderCloses() {
    String namespace = cluster.createNamespace("leader-election");
    // A long lease: a takeover well inside it shows that close() released the lease.
    Duration leaseDuration = Duration.ofSeconds(20);
    LeaseRecordingListener firstListener = new LeaseRecordingListener(namespace);
    LeaseRecordingListener secondListener = new LeaseRecordingListener(namespace);
    LeaderElection first = election(namespace, "replica-a", leaseDuration, firstListener);
    LeaderElection second = election(namespace, "replica-b", leaseDuration, secondListener);
    first.start();
    second.start();

    Await.until("a leader", Duration.ofSeconds(15), () -> first.isLeader() || second.isLeader());
    // Several retry periods in which the standby keeps trying: never two leaders.
    long watchUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < watchUntil) {
      assertThat(first.isLeader() ^ second.isLeader()).as("exactly one leader").isTrue();
    }
    LeaderElection leader = first.isLeader() ? first : second;
    LeaderElection standby = leader == first ? second : first;
    LeaseRecordingListener leaderListener = leader == first ? firstListener : secondListener;
    LeaseRecordingListener standbyListener = leader == first ? secondListener : firstListener;
    assertThat(holder(namespace)).contains(leader.identity());
    assertThat(leader.isHealthy()).isTrue();
    assertThat(standby.isHealthy()).as("a standby is healthy").isTrue();
    assertThat(leaderListener.started.get()).isEqualTo(1);
    assertThat(standbyListener.started.get()).isZero();

    leader.close();
    assertThat(leader.isLeader()).isFalse();
    assertThat(leader.isHealthy()).isFalse();
    assertThat(leaderListener.stopped.get()).isEqualTo(1);
    // Told to stop while it still held the lease: no successor could start before its workers stopped. (fabric8
    // releases a lease by cutting its duration to 1 s.)
    assertThat(leaderListener.leaseWhenStopped).containsExactly(leader.identity() + " for 20 s");
    Duration takeover = Await.until("standby takes over", Duration.ofSeconds(5), standby::isLeader);
    System.out.println("standby took over " + takeover.toMillis() + " ms after the leader closed");

    assertThat(holder(namespace)).contains(standby.identity());
    assertThat(standbyListener.started.get()).isEqualTo(1);
    assertThat(standby.isHealthy()).isTrue();
  }

  @Test
  void aLeaderThatLosesTheLeaseStopsLeadingAndCompetesAgain() {
    String namespace = cluster.createNamespace("leader-election");
    CountingListener listener = new CountingListener();
    LeaderElection election = election(namespace, "replica-a", Duration.ofSeconds(3), listener);
    election.start();
    Await.until("leader", Duration.ofSeconds(15), election::isLeader);

    // Another holder takes the lease over behind this replica's back (as after a long pause of this JVM).
    takeOverLease(namespace, "intruder");

    Await.until("leadership lost", Duration.ofSeconds(10), () -> !election.isLeader());
    assertThat(listener.stopped.get()).isEqualTo(1);
    assertThat(election.isHealthy()).isTrue();
    // The intruder never renews: once its lease has run out, the replica leads again.
    Await.until("leader again", Duration.ofSeconds(15), election::isLeader);
    assertThat(listener.started.get()).isEqualTo(2);
    assertThat(holder(namespace)).contains(election.identity());
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

  private LeaderElection election(String namespace, String identity, Duration leaseDuration,
      LeadershipListener listener) {
    LeaderElectionSettings settings = new LeaderElectionSettings(true, LEASE, Optional.of(namespace), leaseDuration,
        Duration.ofSeconds(2), Duration.ofMillis(300), identity);
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
