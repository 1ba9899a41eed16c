package io.kubeopencode.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.ContextType;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.OutputValues;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model reads users' manifests and writes only what is set. */
class ModelSerializationTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void readsTheArgoWorkflowExampleTask() throws IOException {
    Task task = serialization.unmarshal(seedTask("0f0e"), Task.class);

    assertThat(task.getMetadata().getName()).isEqualTo("task-0f0e");
    assertThat(task.getSpec().agentRef()).isEqualTo(AgentReference.of("default"));
    assertThat(task.getSpec().description()).startsWith("Create a PR with the requested changes.\n");
    assertThat(task.getSpec().outputs().parameters()).hasSize(2);
    assertThat(task.getSpec().outputs().parameters().get(1).defaultValue()).isEqualTo("No summary provided");
    assertThat(task.getSpec().contexts()).isEmpty();
  }

  @Test
  void writesOnlyWhatIsSet() {
    Task task = new Task();
    task.setSpec(new TaskSpec("do it", null, AgentReference.of("a"), null, null, null));

    String json = serialization.asJson(task.getSpec());

    assertThat(json).isEqualTo("{\"description\":\"do it\",\"agentRef\":{\"name\":\"a\"}}");
  }

  @Test
  void roundTripsEveryStatusField() {
    TaskStatus status = new TaskStatus(3L, TaskPhase.Completed, "job", "pod", "ns", "2026-11-21T10:00:00Z",
        "2026-11-21T10:05:00Z", new OutputValues(Map.of("pr-url", "https://example.test/pr/1")),
        List.of(new ConditionBuilder().withType("Ready").withStatus("False").withReason("Completed")
            .withMessage("done").withLastTransitionTime("2026-11-21T10:05:00Z").build()),
        "last line\n");

    TaskStatus read = serialization.unmarshal(serialization.asJson(status), TaskStatus.class);

    assertThat(read).isEqualTo(status);
  }

  @Test
  void ignoresFieldsItDoesNotKnow() {
    String json = """
        {"type":"Git","mountPath":"src","futureField":{"x":1},
         "git":{"repository":"https://example.test/r.git","depth":0,"alsoNew":true}}""";

    ContextItem item = serialization.unmarshal(json, ContextItem.class);

    assertThat(item.type()).isEqualTo(ContextType.Git);
    assertThat(item.git()).isEqualTo(new GitContext("https://example.test/r.git", null, 0, null, null, null));
  }

  /** The seed manifest as Argo would create it: {@code {{workflow.uid}}} replaced, nothing else changed. */
  static String seedTask(String uid) throws IOException {
    try (InputStream in = ModelSerializationTest.class.getResourceAsStream("/seeds/argo-workflow-task.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{workflow.uid}}", uid);
    }
  }
}
