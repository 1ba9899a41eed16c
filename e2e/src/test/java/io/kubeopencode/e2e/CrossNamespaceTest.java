package io.kubeopencode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Task in one namespace using an Agent of another, as the dogfooding Sensors do: the pod runs in the Agent's
 * namespace with the Agent's own ConfigMap contexts, and the Task reads Completed with its outputs.
 */
@Tag("real-node")
class CrossNamespaceTest {
  private final E2eCluster node = E2eCluster.get();

  @Test
  void aTaskRunsWithAnAgentOfAnotherNamespaceAndItsContexts() {
    String agentNs = node.namespace("agents");
    String taskNs = node.namespace("requests");
    node.client.configMaps().inNamespace(agentNs).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("instructions").endMetadata().withData(Map.of("rules.md", "agent namespace rules")).build())
        .create();
    Map<String, String> values = Map.of("ns", agentNs, "taskNs", taskNs, "agentImage", E2eImages.testAgent());
    try (E2eController controller = E2eController.start(node.client, List.of(agentNs, taskNs))) {
      node.create(Manifests.agent("shared", """
          allowedNamespaces: ["requests-*"]
          contexts:
            - name: rules
              type: ConfigMap
              configMap: {name: instructions, key: rules.md}
              mountPath: .rules/rules.md
          """), values);
      node.create("""
          apiVersion: kubeopencode.io/v1alpha1
          kind: Task
          metadata:
            name: from-elsewhere
            namespace: ${taskNs}
          spec:
            agentRef:
              name: shared
              namespace: ${ns}
            description: |
              cat: .rules/rules.md
              env: TASK_NAMESPACE
              write: .outputs/where = done
            outputs:
              parameters:
                - name: where
                  path: .outputs/where
          """, values);

      Task done = node.awaitFinished(taskNs, "from-elsewhere");
      assertThat(done.getStatus().phase()).as(E2eCluster.readyMessage(done)).isEqualTo(TaskPhase.Completed);
      assertThat(done.getStatus().podNamespace()).isEqualTo(agentNs);
      assertThat(done.getStatus().outputs().parameters()).containsExactly(Map.entry("where", "done"));
      Pod pod = node.client.pods().inNamespace(agentNs).withName(done.getStatus().podName()).get();
      assertThat(pod.getMetadata().getLabels()).containsEntry("kubeopencode.io/task-namespace", taskNs);
      assertThat(node.log(done, "agent")).contains("agent namespace rules", "TASK_NAMESPACE=" + taskNs);
    }
  }
}
