package io.kubeopencode.e2e;

import static io.kubeopencode.e2e.Manifests.agent;
import static io.kubeopencode.e2e.Manifests.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Agent's credentials in their four forms, and spec.config as OPENCODE_CONFIG, as the kubelet delivers them. */
@Tag("real-node")
class CredentialsAndConfigTest {
  private static E2eCluster node;
  private static String ns;
  private static E2eController controller;

  @BeforeAll
  static void start() {
    node = E2eCluster.get();
    ns = node.namespace("credentials");
    controller = E2eController.start(node.client, List.of(ns));
  }

  @AfterAll
  static void stop() {
    controller.close();
  }

  private void secret(String name, Map<String, String> data) {
    node.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withStringData(data).build()).create();
  }

  @Test
  void everyCredentialFormAndTheAgentConfigReachTheAgent() {
    secret("env-all", Map.of("API_KEY", "key-value-1", "API_USER", "user-value-2"));
    secret("dir-secret", Map.of("a", "file-a-value", "b", "file-b-value"));
    secret("single", Map.of("token", "token-value-3", "unused", "never-shown"));
    Map<String, String> values = E2eCluster.values(ns);
    node.create(agent("holder", """
        config: '{"model": "e2e/test-model", "share": "disabled"}'
        command:
          - sh
          - -c
          - |
            stat -L -c 'mode %a %n' /creds/file/token /creds/dir/a
            exec /tools/opencode run "$(cat "$WORKSPACE_DIR/task.md")"
        credentials:
          - name: all-as-env
            secretRef: {name: env-all}
          - name: as-directory
            secretRef: {name: dir-secret}
            mountPath: /creds/dir
          - name: one-as-env
            secretRef: {name: single, key: token}
            env: ONE_TOKEN
          - name: one-as-file
            secretRef: {name: single, key: token}
            mountPath: /creds/file/token
            fileMode: 256
        """), values);
    node.create(task("creds", "holder", """
        env: API_KEY
        env: API_USER
        env: ONE_TOKEN
        env: unused
        cat: /creds/dir/a
        cat: /creds/dir/b
        cat: /creds/file/token
        env: OPENCODE_CONFIG
        cat: /tools/opencode.json
        """, ""), values);

    Task done = node.awaitFinished(ns, "creds");
    String log = node.log(done, "agent");
    assertThat(done.getStatus().phase()).as("agent log:\n%s", log).isEqualTo(TaskPhase.Completed);
    assertThat(log).contains("API_KEY=key-value-1", "API_USER=user-value-2", "ONE_TOKEN=token-value-3",
        "unused is not set", "file-a-value", "file-b-value", "mode 400 /creds/file/token", "mode 600 /creds/dir/a",
        "OPENCODE_CONFIG=/tools/opencode.json", "\"model\": \"e2e/test-model\"");
    // Modes: the directory's files get the default fileMode 0600 (as upstream: defaultMode), the file its own 0400.
    assertThat(log).containsSubsequence("file-a-value", "file-b-value", "token-value-3");
  }
}
