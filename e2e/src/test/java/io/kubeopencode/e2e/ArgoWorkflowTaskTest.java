package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubeopencode.testsupport.CommandResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Task of the seed's Argo Workflows example (a resource template with {@code action: create}), created with
 * {@code generateName} as a workflow that runs more than once must, read back the way Argo reads it: the phase for
 * the unquoted {@code status.phase == Completed} condition and each output through {@code jsonPath} (Argo runs
 * {@code kubectl get -o jsonpath=...}; the seed's {@code jmesPath} does not exist in Argo, see ARGO-HELM.md).
 */
@Tag("real-node")
class ArgoWorkflowTaskTest {
  private final E2eCluster node = E2eCluster.get();

  private static final String SEED_TASK = """
      apiVersion: kubeopencode.io/v1alpha1
      kind: Task
      metadata:
        generateName: task-
        namespace: ${ns}
      spec:
        agentRef:
          name: default
        description: |
          Create a PR with the requested changes.
          Save PR URL to .outputs/pr-url
          Save summary to .outputs/summary
          write: .outputs/pr-url = https://github.com/o/r/pull/9
        outputs:
          parameters:
            - name: pr-url
              path: ".outputs/pr-url"
            - name: summary
              path: ".outputs/summary"
              default: "No summary provided"
      """;

  @Test
  void theSeedWorkflowsTaskCompletesAndItsOutputsReadAsArgoReadsThem() {
    String ns = node.namespace("argo");
    Map<String, String> values = E2eCluster.values(ns);
    try (E2eController controller = E2eController.start(node.client, List.of(ns))) {
      node.create(agent("default", ""), values);
      HasMetadata created = node.create(SEED_TASK, values);
      String name = created.getMetadata().getName();
      assertThat(name).startsWith("task-");

      node.awaitFinished(ns, name);
      // The seed's conditions, unquoted as Argo's label-selector parser needs them (ARGO-HELM.md).
      assertThat(holds(ns, name, "status.phase == Completed")).as("successCondition").isTrue();
      assertThat(holds(ns, name, "status.phase == Failed")).as("failureCondition").isFalse();
      assertThat(jsonPath(ns, name, "{.status.outputs.parameters.pr-url}")).isEqualTo("https://github.com/o/r/pull/9");
      assertThat(jsonPath(ns, name, "{.status.outputs.parameters.summary}")).isEqualTo("No summary provided");
    }
  }

  /**
   * A resource template's condition of the form {@code <field path> == <value>}, as Argo evaluates it: the label
   * selector's key is a path into the object's JSON, its value compared as a string.
   */
  private boolean holds(String ns, String name, String condition) {
    String[] sides = condition.split("==");
    assertThat(sides).as("a condition of the form 'path == value'").hasSize(2);
    String value = sides[1].strip();
    assertThat(value).as("an unquoted label value").matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    return value.equals(jsonPath(ns, name, "{." + sides[0].strip() + "}"));
  }

  /** What Argo's resource template does for an output with {@code valueFrom.jsonPath}. */
  private String jsonPath(String ns, String name, String expression) {
    CommandResult result = node.cluster.kubectl("-n", ns, "get", "tasks.kubeopencode.io/" + name,
        "-o", "jsonpath=" + expression);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result.stdout().strip();
  }
}
