package io.kubeopencode.testsupport;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the real-node tests share: the shell container of the test agent image, and a pod's end. */
final class RealNodePods {
  private RealNodePods() {}

  /** A container of the test agent image (busybox inside) running {@code script} with sh; never pulled. */
  static ContainerBuilder shell(String name, String script) {
    return new ContainerBuilder().withName(name).withImage(TestImageTars.testAgentImage())
        .withImagePullPolicy("Never").withCommand("sh", "-c", script);
  }

  static Container container(String name, String script) {
    return shell(name, script).build();
  }

  /** Waits (a liveness limit of two minutes) until the pod has Succeeded or Failed, and returns it. */
  static Pod awaitEnd(KubeCluster cluster, String namespace, String name) {
    try {
      return cluster.client().pods().inNamespace(namespace).withName(name).waitUntilCondition(
          p -> p != null && p.getStatus() != null
              && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      throw new AssertionError("pod " + namespace + "/" + name + " did not end: "
          + cluster.kubectl("describe", "pod", "-n", namespace, name).stdout() + "\n" + cluster.realNodeLogs(), e);
    }
  }

  static String logs(KubeCluster cluster, String namespace, String pod, String container) {
    return cluster.kubectl("logs", "-n", namespace, pod, "-c", container).requireSuccess();
  }
}
