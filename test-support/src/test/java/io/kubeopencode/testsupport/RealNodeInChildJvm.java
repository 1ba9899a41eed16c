package io.kubeopencode.testsupport;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Started by {@link RealNodeTeardownTest} as a separate JVM: a real node with a pod of the pause image running,
 * then it waits to be stopped with SIGTERM (its shutdown hooks restore the host). Prints {@code READY <pod IP>}.
 */
public final class RealNodeInChildJvm {
  private RealNodeInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    KubeCluster cluster = KubeCluster.withRealNode(List.of());
    String ns = cluster.createNamespace("child");
    Pod pod = new PodBuilder().withNewMetadata().withName("pause").endMetadata().withNewSpec()
        .addNewContainer().withName("pause").withImage(Containerd.DEFAULT_SANDBOX_IMAGE).withImagePullPolicy("Never")
        .endContainer().endSpec().build();
    cluster.client().pods().inNamespace(ns).resource(pod).create();
    Pod running = cluster.client().pods().inNamespace(ns).withName("pause").waitUntilCondition(
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
    System.out.println("READY " + running.getStatus().getPodIP());
    System.out.flush();
    Thread.currentThread().join();
  }
}
