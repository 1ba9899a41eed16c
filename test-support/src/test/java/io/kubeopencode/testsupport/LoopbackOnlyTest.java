package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.testsupport.ListeningSockets.Listener;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The whole control plane (etcd, kube-apiserver, controller manager, scheduler, kwok) listens on loopback only. */
@Tag("apiserver")
class LoopbackOnlyTest {
  @Test
  void theFullClusterListensOnLoopbackOnlyWhileItRunsAPod() {
    KubeCluster cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    KubernetesClient client = cluster.client();
    String ns = cluster.createNamespace("loopback");
    client.resource(SimulatedJobTest.job(ns, "held", PodOutcome.succeed().hold())).create();
    client.pods().inNamespace(ns).withLabel("job-name", "held").waitUntilCondition(
        p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

    List<Listener> listeners = ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid());

    // Not vacuous: the check saw the servers of this JVM's child processes.
    assertThat(listeners).extracting(Listener::command).contains("etcd", "kube-apiserver");
    Job job = client.batch().v1().jobs().inNamespace(ns).withName("held").get();
    assertThat(job.getStatus().getActive()).isEqualTo(1);
  }
}
