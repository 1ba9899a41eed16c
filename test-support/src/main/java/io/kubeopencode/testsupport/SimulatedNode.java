package io.kubeopencode.testsupport;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node {@link KubeCluster#withSimulatedNodes()} registers: kwok manages it (it carries kwok's annotation) and
 * runs its pods as their {@link PodOutcome} says; it is large enough never to be the reason a pod is not scheduled.
 * {@link #isReady} and {@link #removeTaints} serve the real node too.
 */
final class SimulatedNode {
  private SimulatedNode() {}

  /**
   * Starts kube-scheduler and kwok on {@code cluster}, registers the node and waits until it is Ready and
   * untainted.
   */
  static void start(KubeCluster cluster) {
    Path stages = copyResource("kwok-pod-stages.yaml", cluster.workFile("kwok-pod-stages.yaml"));
    ManagedProcess scheduler = cluster.startScheduler();
    ManagedProcess kwok = cluster.startProcess("kwok", List.of(
        cluster.binaries().path("kwok").toString(),
        "--kubeconfig=" + cluster.kubeconfig(),
        "--config=" + stages,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-lease-duration-seconds=40",
        "--cidr=10.244.0.0/16",
        // The API server dials a node only for logs/exec; keep that on loopback (refused at once).
        "--node-ip=127.0.0.1"));
    KubernetesClient client = cluster.client();
    client.nodes().resource(definition()).create();
    try {
      client.nodes().withName(KubeCluster.KWOK_NODE).waitUntilCondition(SimulatedNode::isReady, 60,
          TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      scheduler.requireAlive();
      kwok.requireAlive();
      throw new IllegalStateException("simulated node did not become Ready; kwok log:\n" + kwok.logTail(30), e);
    }
    removeTaints(client, KubeCluster.KWOK_NODE);
    scheduler.requireAlive();
  }

  /**
   * The API server taints new nodes not-ready; the node lifecycle controller (not run here) would lift it. Also
   * for the real node.
   */
  static void removeTaints(KubernetesClient client, String node) {
    client.nodes().withName(node).edit(n -> {
      n.getSpec().setTaints(List.of());
      return n;
    });
  }

  private static Path copyResource(String name, Path target) {
    try (InputStream in = KubeCluster.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
