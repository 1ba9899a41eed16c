package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.KubeBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services as hack/run.sh installs them on its local node (hack/local/kubeopencode.yaml: Deployments of this
 * build's images, their ServiceAccounts and ClusterRoles): they become ready in pods, reach the API server through the
 * {@code kubernetes} Service with their own tokens, and their RBAC is enough to run a Task to Completed (the
 * controller) and to delete it by retention (the cleanup). They watch only this test's namespace, so the other test
 * classes' in-process controllers keep theirs; everything is deleted again at the end.
 */
@Tag("real-node")
class InstalledServicesTest {
  private static final String SYSTEM = "kubeopencode-system";
  private final E2eCluster node = E2eCluster.get();

  @Test
  void theInstalledServicesRunATaskAndDeleteItByRetention(@TempDir Path work) throws IOException {
    String ns = node.namespace("installed");
    Path manifest = work.resolve("kubeopencode.yaml");
    Files.writeString(manifest, Files.readString(KubeBinaries.projectRoot().resolve("hack/local/kubeopencode.yaml"))
        .replace("@VERSION@", E2eImages.property("image.tag")));
    try {
      kubectl("apply", "-f", manifest.toString());
      kubectl("-n", SYSTEM, "set", "env", "deployment/kubeopencode-controller", "CONTROLLER_NAMESPACES=" + ns);
      kubectl("-n", SYSTEM, "set", "env", "deployment/kubeopencode-cleanup", "CLEANUP_NAMESPACES=" + ns);
      kubectl("-n", SYSTEM, "rollout", "status", "deployment/kubeopencode-controller", "--timeout=240s");
      kubectl("-n", SYSTEM, "rollout", "status", "deployment/kubeopencode-cleanup", "--timeout=240s");

      node.create("""
          apiVersion: kubeopencode.io/v1alpha1
          kind: KubeOpenCodeConfig
          metadata:
            name: default
            namespace: ${ns}
          spec:
            cleanup:
              ttlSecondsAfterFinished: 5
          """, E2eCluster.values(ns));
      node.create(agent("default", ""), E2eCluster.values(ns));
      node.create(task("in-cluster", "default", "log: run by the installed controller\n"
          + "write: .outputs/result = done", "outputs:\n  parameters:\n    - name: result\n      path: .outputs/result\n"),
          E2eCluster.values(ns));

      Task done = node.awaitFinished(ns, "in-cluster");
      assertThat(done.getStatus().phase()).as(E2eCluster.readyMessage(done)).isEqualTo(TaskPhase.Completed);
      assertThat(done.getStatus().outputs().parameters()).containsExactly(Map.entry("result", "done"));
      // The cleanup-service deletes it after the TTL.
      node.client.resources(Task.class).inNamespace(ns).withName("in-cluster")
          .waitUntilCondition(t -> t == null, E2eCluster.TASK_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      for (String deployment : new String[] {"kubeopencode-controller", "kubeopencode-cleanup"}) {
        String log = kubectl("-n", SYSTEM, "logs", "deployment/" + deployment);
        assertThat(log).as("%s's log", deployment).doesNotContainIgnoringCase("forbidden");
      }
    } finally {
      node.cluster.kubectl("delete", "-f", manifest.toString(), "--wait=true", "--timeout=120s");
    }
  }

  private String kubectl(String... args) {
    CommandResult result = node.cluster.kubectl(args);
    assertThat(result.exitCode()).as("kubectl %s: %s", String.join(" ", args), result).isZero();
    return result.stdout();
  }
}
