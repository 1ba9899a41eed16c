package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real containers on the real node: an init container, a native sidecar and a projected ConfigMap behave as on any
 * cluster, the pod gets its ServiceAccount token, and {@code kubectl logs} reads every container's output.
 */
@Tag("real-node")
class RealNodePodTest {
  private static KubeCluster cluster;

  @BeforeAll
  static void startNode() {
    long started = System.nanoTime();
    cluster = KubeCluster.withRealNode(List.of(TestImageTars.build().testAgent()));
    System.out.printf("real node available after %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  void nodeIsReadyAndUntainted() {
    assertThat(cluster.hasRealNode()).isTrue();
    var node = cluster.client().nodes().withName(cluster.nodeName()).get();
    assertThat(SimulatedNode.isReady(node)).isTrue();
    assertThat(node.getSpec().getTaints()).isNullOrEmpty();
  }

  @Test
  void initContainerSidecarProjectedConfigMapTokenAndLogs() {
    String ns = cluster.createNamespace("pod");
    cluster.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("settings").endMetadata().addToData("greeting", "hello from a configmap").build()).create();
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("three-kinds").endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .withTerminationGracePeriodSeconds(2L)
          .addToInitContainers(RealNodePods.shell("init", "echo init-log; echo init ran > /work/init.txt")
              .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().build())
          .addToInitContainers(RealNodePods.shell("sidecar",
              "trap 'echo sidecar-stopped; exit 0' TERM; echo sidecar-started; while true; do sleep 1; done")
              .withRestartPolicy("Always").build())
          .addToContainers(RealNodePods.shell("main", "cat /work/init.txt /config/greeting; echo;"
              + " echo namespace=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace);"
              + " test -s /var/run/secrets/kubernetes.io/serviceaccount/token && echo token-present")
              .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
              .addNewVolumeMount().withName("config").withMountPath("/config").endVolumeMount().build())
          .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
          .addNewVolume().withName("config").withNewProjected().addNewSource().withNewConfigMap()
              .withName("settings").endConfigMap().endSource().endProjected().endVolume()
        .endSpec().build();
    cluster.client().pods().inNamespace(ns).resource(pod).create();

    Pod ended = RealNodePods.awaitEnd(cluster, ns, "three-kinds");

    assertThat(ended.getStatus().getPhase()).as("%s", ended.getStatus()).isEqualTo("Succeeded");
    assertThat(ended.getSpec().getNodeName()).isEqualTo(cluster.nodeName());
    assertThat(RealNodePods.logs(cluster, ns, "three-kinds", "main")).contains("init ran",
        "hello from a configmap", "namespace=" + ns, "token-present");
    assertThat(RealNodePods.logs(cluster, ns, "three-kinds", "init")).contains("init-log");
    assertThat(RealNodePods.logs(cluster, ns, "three-kinds", "sidecar")).contains("sidecar-started");
  }
}
