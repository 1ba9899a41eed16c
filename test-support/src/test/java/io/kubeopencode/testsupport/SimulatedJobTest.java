package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** kwok + kube-scheduler + the Job controller run plain Jobs as the test chooses. */
@Tag("apiserver")
class SimulatedJobTest {
  private static KubeCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    cluster = KubeCluster.shared().withJobController().withSimulatedNodes();
    client = cluster.client();
  }

  @Test
  void jobRunsToCompletionAndReportsTheTerminationMessage() {
    String ns = cluster.createNamespace("job-ok");
    client.resource(job(ns, "ok", PodOutcome.succeed().runFor(Duration.ofMillis(300))
        .message("main", "{\"parameters\":{\"pr-url\":\"https://example.test/pr/1\"}}"))).create();

    Job done = client.batch().v1().jobs().inNamespace(ns).withName("ok")
        .waitUntilCondition(j -> hasCondition(j, "Complete"), 60, TimeUnit.SECONDS);
    assertThat(done.getStatus().getSucceeded()).isEqualTo(1);

    Pod pod = onlyPod(ns, "ok");
    assertThat(pod.getSpec().getNodeName()).isEqualTo(KubeCluster.KWOK_NODE);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    ContainerStateTerminated main = terminated(pod.getStatus().getContainerStatuses(), "main");
    assertThat(main.getExitCode()).isZero();
    assertThat(main.getReason()).isEqualTo("Completed");
    assertThat(main.getMessage()).isEqualTo("{\"parameters\":{\"pr-url\":\"https://example.test/pr/1\"}}");
  }

  @Test
  void aBarePodRunsToCompletionTooAndADeletedOneTerminatesFirst() {
    String ns = cluster.createNamespace("bare-pod");
    Pod template = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withNamespace(ns)
        .withName("bare").withAnnotations(PodOutcome.succeed().message("main", "done").annotations()).endMetadata()
        .withSpec(job(ns, "bare", PodOutcome.succeed()).getSpec().getTemplate().getSpec()).build();
    client.resource(template).create();

    Pod done = client.pods().inNamespace(ns).withName("bare")
        .waitUntilCondition(p -> p != null && "Succeeded".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    assertThat(terminated(done.getStatus().getContainerStatuses(), "main").getMessage()).isEqualTo("done");

    Pod held = new io.fabric8.kubernetes.api.model.PodBuilder(template).editMetadata().withName("held")
        .withAnnotations(PodOutcome.succeed().hold().annotations()).withFinalizers("example.test/keep").endMetadata()
        .build();
    client.resource(held).create();
    client.pods().inNamespace(ns).withName("held")
        .waitUntilCondition(p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    client.pods().inNamespace(ns).withName("held").delete();
    Pod terminatedPod = client.pods().inNamespace(ns).withName("held")
        .waitUntilCondition(p -> p != null && "Failed".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    assertThat(terminated(terminatedPod.getStatus().getContainerStatuses(), "main").getExitCode()).isEqualTo(143);
    // A merge patch carries no resourceVersion: kwok may be writing the pod's status at the same moment.
    client.pods().inNamespace(ns).withName("held").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    client.pods().inNamespace(ns).withName("held").waitUntilCondition(java.util.Objects::isNull, 60,
        TimeUnit.SECONDS);
  }

  @Test
  void failingPodFailsTheJobWithItsExitCode() {
    String ns = cluster.createNamespace("job-fail");
    client.resource(job(ns, "bad", PodOutcome.exit(3).reason("main", "Error").message("main", "boom"))).create();

    Job failed = client.batch().v1().jobs().inNamespace(ns).withName("bad")
        .waitUntilCondition(j -> hasCondition(j, "Failed"), 60, TimeUnit.SECONDS);
    assertThat(failed.getStatus().getFailed()).isEqualTo(1);

    Pod pod = onlyPod(ns, "bad");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    ContainerStateTerminated main = terminated(pod.getStatus().getContainerStatuses(), "main");
    assertThat(main.getExitCode()).isEqualTo(3);
    assertThat(main.getMessage()).isEqualTo("boom");
  }

  @Test
  void failingInitContainerFailsThePodBeforeTheMainContainerRuns() {
    String ns = cluster.createNamespace("job-init");
    Job job = new JobBuilder(job(ns, "init", PodOutcome.succeed().failInitContainer("git-init-0", 128,
        "ref 'v9' not found")))
        .editSpec().editTemplate().editSpec()
          .addNewInitContainer().withName("git-init-0").withImage("example.test/git-init:1").endInitContainer()
        .endSpec().endTemplate().endSpec()
        .build();
    client.resource(job).create();

    client.batch().v1().jobs().inNamespace(ns).withName("init")
        .waitUntilCondition(j -> hasCondition(j, "Failed"), 60, TimeUnit.SECONDS);
    Pod pod = onlyPod(ns, "init");
    ContainerStateTerminated init = terminated(pod.getStatus().getInitContainerStatuses(), "git-init-0");
    assertThat(init.getExitCode()).isEqualTo(128);
    assertThat(init.getMessage()).isEqualTo("ref 'v9' not found");
    assertThat(pod.getStatus().getContainerStatuses().getFirst().getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
  }

  @Test
  void deletingTheJobGarbageCollectsItsPods() {
    String ns = cluster.createNamespace("job-gc");
    client.resource(job(ns, "held", PodOutcome.succeed().hold())).create();
    client.pods().inNamespace(ns).withLabel("job-name", "held")
        .waitUntilCondition(p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

    client.batch().v1().jobs().inNamespace(ns).withName("held").withPropagationPolicy(
        io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();

    client.pods().inNamespace(ns).withLabel("job-name", "held").informOnCondition(List::isEmpty)
        .orTimeout(60, TimeUnit.SECONDS).join();
  }

  static Job job(String ns, String name, PodOutcome outcome) {
    return new JobBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withNewTemplate()
            .withNewMetadata().withAnnotations(outcome.annotations()).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer().withName("main").withImage("example.test/agent:1").endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static Pod onlyPod(String ns, String job) {
    List<Pod> pods = client.pods().inNamespace(ns).withLabel("job-name", job).list().getItems();
    assertThat(pods).hasSize(1);
    return pods.getFirst();
  }

  private static ContainerStateTerminated terminated(List<ContainerStatus> statuses, String name) {
    return statuses.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow()
        .getState().getTerminated();
  }

  private static boolean hasCondition(Job job, String type) {
    return job != null && job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
