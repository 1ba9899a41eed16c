package io.kubeopencode.controller.reconcile;

import static io.kubeopencode.controller.Fixtures.NS;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;

/** Pods of the Task {@code team-a/<task>} as the cache would show them, for pure tests. */
final class TestPods {
  static final String CREATED = "2026-11-21T10:00:02Z";
  static final String FINISHED = "2026-11-21T10:03:00Z";

  private TestPods() {}

  /** A pod of the Task {@code task} in {@code phase} (null: just created), with container statuses by name. */
  static Pod pod(String task, String name, String phase, Map<String, ContainerStatus> init,
      Map<String, ContainerStatus> main) {
    return new PodBuilder().withNewMetadata().withNamespace(NS).withName(name)
        .addToAnnotations("kubeopencode.io/task", NS + "/" + task)
        .withCreationTimestamp(CREATED).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus()
          .withPhase(phase)
          .withInitContainerStatuses(named(init))
          .withContainerStatuses(named(main))
        .endStatus().build();
  }

  static Pod pod(String task, String name, String phase) {
    return pod(task, name, phase, Map.of(), Map.of());
  }

  static Pod withFinalizers(Pod pod, List<String> finalizers) {
    return new PodBuilder(pod).editMetadata().withFinalizers(finalizers).endMetadata().build();
  }

  static Pod deleting(Pod pod) {
    return new PodBuilder(pod).editMetadata().withDeletionTimestamp("2026-11-21T10:00:03Z").endMetadata().build();
  }

  /** Marked by an eviction, preemption or node loss, as the API server or kubelet do. */
  static Pod disrupted(Pod pod) {
    return new PodBuilder(pod).editStatus().addNewCondition().withType("DisruptionTarget").withStatus("True")
        .withReason("EvictionByEvictionAPI").withMessage("Eviction API: evicting").endCondition().endStatus().build();
  }

  static ContainerStatus terminated(int exitCode, String reason, String message) {
    return new ContainerStatusBuilder().withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
        .withMessage(message).withFinishedAt(FINISHED).endTerminated().endState().build();
  }

  private static List<ContainerStatus> named(Map<String, ContainerStatus> statuses) {
    return statuses.entrySet().stream().map(e -> new ContainerStatusBuilder(e.getValue()).withName(e.getKey())
        .build()).toList();
  }
}
