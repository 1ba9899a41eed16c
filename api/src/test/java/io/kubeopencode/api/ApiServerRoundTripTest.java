package io.kubeopencode.api;

import static io.kubeopencode.api.ApiFixtures.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeopencode.api.crd.GenerateCrds;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.AgentStatus;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.OutputValues;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.api.v1alpha1.TaskStartRecord;
import io.kubeopencode.api.v1alpha1.TaskStatus;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import io.kubeopencode.api.v1alpha1.TaskTemplateStatus;
import io.kubeopencode.testsupport.KubeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The generated CRDs on a real kube-apiserver: every kind round-trips, status goes through its subresource. */
@Tag("apiserver")
class ApiServerRoundTripTest {
  private static KubeCluster cluster;
  private static KubernetesClient client;
  private static String ns;

  @BeforeAll
  static void installCrds() {
    cluster = KubeCluster.shared();
    client = cluster.client();
    cluster.installCrds(CrdDriftTest.GENERATED);
    ns = cluster.createNamespace("api");
  }

  @Test
  void crdsAreServedWithShortNamesAndCategory() {
    String resources = cluster.kubectl("api-resources", "--api-group=kubeopencode.io", "-o", "wide",
        "--no-headers").requireSuccess();

    assertThat(resources.lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
        .containsExactlyInAnyOrder(
            "agents ag kubeopencode.io/v1alpha1 true Agent " + verbs() + " kubeopencode",
            "kubeopencodeconfigs ktc kubeopencode.io/v1alpha1 true KubeOpenCodeConfig " + verbs() + " kubeopencode",
            "tasks tk kubeopencode.io/v1alpha1 true Task " + verbs() + " kubeopencode",
            "tasktemplates tt kubeopencode.io/v1alpha1 true TaskTemplate " + verbs() + " kubeopencode");
    for (Class<?> kind : GenerateCrds.KINDS) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .withName(io.fabric8.kubernetes.client.CustomResource.getCRDName(kind.asSubclass(
              io.fabric8.kubernetes.client.CustomResource.class))).get();
      boolean statusSubresource = crd.getSpec().getVersions().getFirst().getSubresources() != null
          && crd.getSpec().getVersions().getFirst().getSubresources().getStatus() != null;
      assertThat(statusSubresource).as(kind.getSimpleName() + " status subresource")
          .isEqualTo(kind != KubeOpenCodeConfig.class);
    }
  }

  @Test
  void taskRoundTripsAndTakesStatusOnlyThroughTheSubresource() {
    Task created = client.resources(Task.class).resource(ApiFixtures.task(ns, "round-trip")).create();
    assertThat(created.getSpec()).isEqualTo(ApiFixtures.task(ns, "x").getSpec());

    TaskStatus status = new TaskStatus(created.getMetadata().getGeneration(), TaskPhase.Running, "round-trip",
        "round-trip-abcde", ns, "2026-11-21T10:00:00Z", null, new OutputValues(Map.of("pr-url", "u")),
        List.of(condition("Ready", "False", "Running", "the agent is working")), null);
    created.setStatus(status);
    client.resources(Task.class).resource(created).updateStatus();

    Task read = client.resources(Task.class).inNamespace(ns).withName("round-trip").get();
    assertThat(read.getStatus()).isEqualTo(status);

    // A write of the main resource ignores status: only the controller's subresource writes change it.
    read.setStatus(new TaskStatus(null, TaskPhase.Failed, null, null, null, null, null, null, null, null));
    read.getMetadata().setLabels(Map.of("touched", "yes"));
    client.resources(Task.class).resource(read).update();
    Task after = client.resources(Task.class).inNamespace(ns).withName("round-trip").get();
    assertThat(after.getMetadata().getLabels()).containsEntry("touched", "yes");
    assertThat(after.getStatus()).isEqualTo(status);
  }

  @Test
  void printerColumnsShowPhaseAgentPodAgeAndStartCompletionWhenWide() {
    Task task = client.resources(Task.class).resource(ApiFixtures.task(ns, "columns")).create();
    task.setStatus(new TaskStatus(1L, TaskPhase.Completed, null, "columns-pod", ns, "2026-11-21T10:00:00Z",
        "2026-11-21T10:05:00Z", null, null, null));
    client.resources(Task.class).resource(task).updateStatus();

    List<String> table = cluster.kubectl("get", "tk", "columns", "-n", ns).requireSuccess().lines().toList();
    assertThat(columns(table.get(0))).containsExactly("NAME", "PHASE", "AGENT", "POD", "AGE");
    assertThat(columns(table.get(1))).startsWith("columns", "Completed", "default", "columns-pod");

    List<String> wide = cluster.kubectl("get", "tasks", "columns", "-n", ns, "-o", "wide").requireSuccess()
        .lines().toList();
    assertThat(columns(wide.get(0)))
        .containsExactly("NAME", "PHASE", "AGENT", "POD", "AGE", "START", "COMPLETION");
  }

  @Test
  void kubectlExplainDescribesFields() {
    String explained = cluster.kubectl("explain", "tasks.spec.contexts.git.depth").requireSuccess();
    assertThat(explained).contains("Clone depth. Default 1; 0 means the full history");
    assertThat(cluster.kubectl("explain", "agents.spec.podSpec.securityContext").requireSuccess())
        .contains("Security settings of the agent's containers");
    assertThat(cluster.kubectl("explain", "agents.spec.podSpec.extraVolumes.persistentVolumeClaim.claimName")
        .requireSuccess()).contains("claimName");
    assertThat(cluster.kubectl("explain", "agents.spec.quota.windowSeconds").requireSuccess())
        .contains("60 to 86400");
    assertThat(cluster.kubectl("explain", "tasks").requireSuccess()).contains("A Task is one unit of AI work");
    assertThat(cluster.kubectl("explain", "agents.spec").requireSuccess()).contains("How the Tasks of this Agent run.");
  }

  @Test
  void taskTemplateRoundTrips() {
    TaskTemplate created = client.resources(TaskTemplate.class).resource(ApiFixtures.template(ns, "tpl")).create();
    assertThat(created.getSpec()).isEqualTo(ApiFixtures.template(ns, "tpl").getSpec());

    TaskTemplateStatus status = new TaskTemplateStatus(1L, List.of(condition("Ready", "True", "Valid", "ok")));
    created.setStatus(status);
    client.resources(TaskTemplate.class).resource(created).updateStatus();
    assertThat(client.resources(TaskTemplate.class).inNamespace(ns).withName("tpl").get().getStatus())
        .isEqualTo(status);
  }

  @Test
  void agentRoundTripsWithEveryField() {
    Agent created = client.resources(Agent.class).resource(ApiFixtures.agent(ns, "agent")).create();
    assertThat(created.getSpec()).isEqualTo(ApiFixtures.agent(ns, "agent").getSpec());

    AgentStatus status = new AgentStatus(1L,
        List.of(new TaskStartRecord("t1", ns, "2026-11-21T10:00:00Z"),
            new TaskStartRecord("t2", "team-a", "2026-11-21T10:01:00Z")),
        1, 3, List.of(condition("Ready", "True", "Ready", "ok")));
    created.setStatus(status);
    client.resources(Agent.class).resource(created).updateStatus();
    assertThat(client.resources(Agent.class).inNamespace(ns).withName("agent").get().getStatus())
        .isEqualTo(status);

    List<String> table = cluster.kubectl("get", "ag", "agent", "-n", ns).requireSuccess().lines().toList();
    assertThat(columns(table.get(0))).containsExactly("NAME", "RUNNING", "QUEUED", "MAX", "AGE");
    assertThat(columns(table.get(1))).startsWith("agent", "1", "3", "2");
  }

  @Test
  void kubeOpenCodeConfigRoundTrips() {
    KubeOpenCodeConfig created = client.resources(KubeOpenCodeConfig.class).resource(ApiFixtures.config(ns))
        .create();
    assertThat(created.getSpec()).isEqualTo(ApiFixtures.config(ns).getSpec());
    assertThat(cluster.kubectl("get", "ktc", "-n", ns, "-o", "name").requireSuccess().strip())
        .isEqualTo("kubeopencodeconfig.kubeopencode.io/default");
    assertThat(cluster.kubectl("get", "kubeopencode", "-n", ns, "-o", "name").requireSuccess())
        .contains("kubeopencodeconfig.kubeopencode.io/default", "agent.kubeopencode.io/agent");
  }

  @Test
  void theArgoWorkflowExampleTaskAppliesUnchanged() throws IOException {
    if (client.namespaces().withName("kubeopencode-dogfooding").get() == null) {
      cluster.kubectl("create", "namespace", "kubeopencode-dogfooding").requireSuccess();
    }
    Path manifest = Files.createTempFile("seed-task", ".yaml");
    Files.writeString(manifest, ModelSerializationTest.seedTask("5d41402a"));

    String applied = cluster.kubectl("apply", "-f", manifest.toString()).requireSuccess();

    assertThat(applied.strip()).isEqualTo("task.kubeopencode.io/task-5d41402a created");
    Task task = client.resources(Task.class).inNamespace("kubeopencode-dogfooding").withName("task-5d41402a").get();
    assertThat(task.getSpec().outputs().parameters()).extracting(p -> p.name()).containsExactly("pr-url", "summary");
  }

  private static List<String> columns(String line) {
    return List.of(line.trim().split("\\s{2,}|\\s+"));
  }

  private static String verbs() {
    return "delete,deletecollection,get,list,patch,create,update,watch";
  }
}
