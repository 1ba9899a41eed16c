package io.kubeopencode.testsupport;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * The node {@link KubeCluster#withSimulatedNodes()} registers: kwok manages it (it carries kwok's annotation) and
 * runs its pods as their {@link PodOutcome} says; it is large enough never to be the reason a pod is not scheduled.
 */
final class SimulatedNode {
  private SimulatedNode() {}

  static Node definition() {
    Map<String, Quantity> resources = Map.of("cpu", new Quantity("64"), "memory", new Quantity("256Gi"),
        "pods", new Quantity("1000"));
    return new NodeBuilder()
        .withNewMetadata()
          .withName(KubeCluster.KWOK_NODE)
          .addToAnnotations("kwok.x-k8s.io/node", "fake")
          .addToLabels("kubernetes.io/hostname", KubeCluster.KWOK_NODE)
          .addToLabels("kubernetes.io/os", "linux")
          .addToLabels("kubernetes.io/arch", "amd64")
          .addToLabels("type", "kwok")
        .endMetadata()
        .withNewStatus()
          .withAllocatable(resources)
          .withCapacity(resources)
        .endStatus()
        .build();
  }

  static boolean isReady(Node node) {
    return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
