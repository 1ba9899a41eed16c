package io.kubeopencode.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.testsupport.KubeBinaries;
import io.kubeopencode.testsupport.KubeCluster;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real node every test class of this suite shares (started once per JVM, images imported, CRDs installed), and
 * the few things tests do on it the way a user would: apply YAML, wait for a Task, read a container's log.
 */
final class E2eCluster {
  /** Pods on a real node start in seconds; an image that cannot be pulled fails after the controller's grace. */
  static final long TASK_TIMEOUT_SECONDS = 180;
  private static E2eCluster instance;
  final KubeCluster cluster;
  final KubernetesClient client;

  private E2eCluster() {
    cluster = KubeCluster.withRealNode(E2eImages.tars());
    cluster.installCrds(KubeBinaries.projectRoot().resolve("charts/kubeopencode/crds"));
    client = cluster.client();
  }

  static synchronized E2eCluster get() {
    if (instance == null) {
      instance = new E2eCluster();
    }
    return instance;
  }

  /** A new namespace with the ServiceAccount {@code agent} that the suite's Agents name. */
  String namespace(String prefix) {
    String ns = cluster.createNamespace(prefix);
    client.serviceAccounts().inNamespace(ns)
        .resource(new ServiceAccountBuilder().withNewMetadata().withName("agent").endMetadata().build()).create();
    return ns;
  }

  /** The placeholders of {@link Manifests}: the namespace and the scripted test agent's image. */
  static Map<String, String> values(String ns) {
    return Map.of("ns", ns, "agentImage", E2eImages.testAgent());
  }

  /**
   * Creates the object the YAML describes (any kind, as {@code kubectl create -f} would), with {@code ${...}}
   * placeholders replaced first.
   */
  HasMetadata create(String yaml, Map<String, String> values) {
    String text = yaml;
    for (var e : values.entrySet()) {
      text = text.replace("${" + e.getKey() + "}", e.getValue());
    }
    GenericKubernetesResource resource = Serialization.unmarshal(text, GenericKubernetesResource.class);
    return client.resource(resource).create();
  }

  Task task(String ns, String name) {
    return client.resources(Task.class).inNamespace(ns).withName(name).get();
  }

  Task awaitTask(String ns, String name, Predicate<Task> condition) {
    return client.resources(Task.class).inNamespace(ns).withName(name)
        .waitUntilCondition(t -> t != null && condition.test(t), TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  Task awaitFinished(String ns, String name) {
    return awaitTask(ns, name, t -> t.getStatus() != null
        && (t.getStatus().phase() == TaskPhase.Completed || t.getStatus().phase() == TaskPhase.Failed));
  }

  /** The log of one container of the Task's pod (the kubelet keeps it while the pod exists). */
  String log(Task task, String container) {
    return client.pods().inNamespace(task.getStatus().podNamespace()).withName(task.getStatus().podName())
        .inContainer(container).getLog();
  }

  /** Every container's log of the Task's pod (init containers first), each headed by its name. */
  String allLogs(Task task) {
    var pod = client.pods().inNamespace(task.getStatus().podNamespace()).withName(task.getStatus().podName()).get();
    StringBuilder all = new StringBuilder();
    var containers = new java.util.ArrayList<>(pod.getSpec().getInitContainers());
    containers.addAll(pod.getSpec().getContainers());
    for (var container : containers) {
      all.append("==> ").append(container.getName()).append('\n').append(log(task, container.getName()));
    }
    return all.toString();
  }

  static Predicate<Task> phase(TaskPhase phase) {
    return t -> t.getStatus() != null && t.getStatus().phase() == phase;
  }

  /** The reason of the Task's Ready condition (Succeeded, AgentFailed, OOMKilled, ...). */
  static String readyReason(Task task) {
    return task.getStatus().conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .map(c -> c.getReason()).orElse(null);
  }

  static String readyMessage(Task task) {
    return task.getStatus().conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .map(c -> c.getMessage()).orElse(null);
  }
}
