package io.kubeopencode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of context, staged by the real context-init and git-init images in a real pod: the agent (the scripted
 * test agent, root in its own image) sees exactly the documented files with the documented modes, and can edit them.
 */
@Tag("real-node")
class ContextsTest {
  @TempDir
  static Path work;
  private static E2eCluster node;
  private static String ns;
  private static E2eController controller;
  private static PodReachableGitServer git;
  private static PodReachableHttpServer http;
  private static TestRepository repo;

  @BeforeAll
  static void start() throws Exception {
    node = E2eCluster.get();
    ns = node.namespace("contexts");
    repo = TestRepository.create(work.resolve("repos/app"));
    git = PodReachableGitServer.start(node.cluster.podReachableHostAddress(), work.resolve("repos"),
        work.resolve("tls"));
    http = PodReachableHttpServer.start(node.cluster.podReachableHostAddress(),
        Map.of("/notes.txt", "notes from the URL server"));
    controller = E2eController.start(node.client, List.of(ns));
  }

  @AfterAll
  static void stop() throws Exception {
    controller.close();
    git.close();
    http.close();
  }

  private static final String AGENT = """
      apiVersion: kubeopencode.io/v1alpha1
      kind: Agent
      metadata:
        name: reader
        namespace: ${ns}
      spec:
        agentImage: ${agentImage}
        executorImage: ${agentImage}
        workspaceDir: /workspace
        serviceAccountName: agent
        # Lists the workspace with each entry's mode before the agent runs (git internals left out).
        command:
          - sh
          - -c
          - |
            echo "uid $(id -u)"
            cd "$WORKSPACE_DIR"
            find . | grep -v -e '/[.]git/' -e '/[.]kubeopencode-git/.*/' | sort | while read -r f; do stat -c 'mode %a %F %n' "$f"; done
            for s in */.git/shallow .kubeopencode-git/*/.git/shallow; do [ -e "$s" ] && echo "shallow $s"; done
            exec /tools/opencode run "$(cat task.md)"
        podSpec:
          caBundle:
            configMapRef:
              name: git-ca
              key: ca.crt
      """;

  private static final String TASK = """
      apiVersion: kubeopencode.io/v1alpha1
      kind: Task
      metadata:
        name: contexts
        namespace: ${ns}
      spec:
        agentRef:
          name: reader
        description: |
          Read every context, then edit some.
          log: --- task.md ---
          cat: task.md
          log: --- end ---
          cat: .kubeopencode/context.md
          cat: notes/text.md
          cat: cm/one.txt
          cat: cm-dir/a.txt
          cat: repo-main/README.md
          cat: repo-tag/README.md
          cat: repo-sha/README.md
          cat: repo-feature/feature.txt
          cat: repo-docs/guide.md
          cat: private/README.md
          cat: url/notes.txt
          write: notes/text.md = edited by the agent
          write: repo-main/README.md = changed by the agent
          write: cm-dir/new.txt = created by the agent
          write: private/new-file.txt = created in a clone
          cat: notes/text.md
          cat: repo-main/README.md
          write: .outputs/done = yes
        outputs:
          parameters:
            - name: done
              path: .outputs/done
        contexts:
          - name: inline-text
            type: Text
            text: inline text context
          - name: text-file
            type: Text
            text: text in a file
            mountPath: notes/text.md
            fileMode: 384
          - name: one-key
            type: ConfigMap
            configMap: {name: settings, key: one}
            mountPath: cm/one.txt
          - name: all-keys-dir
            type: ConfigMap
            configMap: {name: settings}
            mountPath: cm-dir
          - name: all-keys-inline
            type: ConfigMap
            configMap: {name: inline}
          - name: main
            type: Git
            git: {repository: "${public}", ref: main}
            mountPath: repo-main
          - name: tag
            type: Git
            git: {repository: "${public}", ref: v1}
            mountPath: repo-tag
          - name: sha
            type: Git
            git: {repository: "${public}", ref: "${sha}", depth: 0}
            mountPath: repo-sha
          - name: feature
            type: Git
            git: {repository: "${public}", ref: feature}
            mountPath: repo-feature
          - name: docs-only
            type: Git
            git: {repository: "${public}", path: docs}
            mountPath: repo-docs
          - name: private
            type: Git
            git: {repository: "${private}", secretRef: {name: git-login}}
            mountPath: private
          - name: notes
            type: URL
            url: {source: "${url}"}
            mountPath: url/notes.txt
          - name: runtime
            type: Runtime
      """;

  @Test
  void theAgentSeesEveryContextAsDocumentedAndCanEditIt() {
    node.client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
        .endMetadata().withData(Map.of("one", "value one", "a.txt", "value a", "b.txt", "value b")).build()).create();
    node.client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("inline")
        .endMetadata().withData(Map.of("rules", "inline rule")).build()).create();
    node.client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("git-ca")
        .endMetadata().withData(Map.of("ca.crt", git.certificatePem())).build()).create();
    node.client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("git-login").endMetadata()
        .withStringData(Map.of("username", PodReachableGitServer.USER, "password", PodReachableGitServer.PASSWORD))
        .build()).create();
    Map<String, String> values = Map.of("ns", ns, "agentImage", E2eImages.testAgent(),
        "public", git.httpUrl("app"), "private", git.httpsPrivateUrl("app"), "sha", repo.firstCommit(),
        "url", http.url("/notes.txt"));
    node.create(AGENT, values);
    node.create(TASK, values);

    Task done = node.awaitFinished(ns, "contexts");
    String log = node.log(done, "agent");
    assertThat(done.getStatus().phase()).as("phase; agent log:\n%s", log).isEqualTo(TaskPhase.Completed);
    assertThat(done.getStatus().outputs().parameters()).containsExactly(Map.entry("done", "yes"));

    // task.md holds the description only; the inline contexts went to context.md, each wrapped.
    assertThat(between(log, "--- task.md ---", "--- end ---")).startsWith("Read every context, then edit some.")
        .doesNotContain("inline text context");
    assertThat(log).contains("<context name=\"inline-text\"", "inline text context", "inline rule",
        "type=\"Runtime\"", "TASK_NAME");
    // Files, in order of the cat lines.
    assertThat(log).containsSubsequence("text in a file", "value one", "value a", "second version",
        "first version", "first version", "on the feature branch", "the guide", "second version",
        "notes from the URL server", "edited by the agent", "changed by the agent");
    assertThat(log).doesNotContain("IoError").contains("uid 0"); // the image's root user runs

    // Modes as docs/context-init.md says: fileMode 0600 → 0666, ConfigMap files 0644 → 0666, directories 0777.
    assertThat(log).contains(
        "mode 666 regular file ./notes/text.md",
        "mode 666 regular file ./cm/one.txt",
        "mode 777 directory ./cm-dir",
        "mode 666 regular file ./cm-dir/a.txt",
        "mode 666 regular file ./cm-dir/b.txt",
        "mode 666 regular file ./cm-dir/one",
        "mode 666 regular file ./url/notes.txt",
        "symbolic link ./repo-docs",
        "regular file ./repo-main/README.md",
        "regular file ./private/README.md");
    // depth 1 by default (shallow), depth 0 the full history.
    assertThat(log).contains("shallow repo-main/.git/shallow").doesNotContain("shallow repo-sha/.git/shallow");
    // The password never shows in a log.
    assertThat(node.allLogs(done)).doesNotContain(PodReachableGitServer.PASSWORD);
  }

  /** What the agent printed between two {@code log:} lines. */
  static String between(String log, String start, String end) {
    int from = log.indexOf(start + "\n");
    int to = log.indexOf(end + "\n", Math.max(from, 0));
    assertThat(from).as("%s in the log:\n%s", start, log).isNotNegative();
    assertThat(to).as("%s in the log:\n%s", end, log).isGreaterThan(from);
    return log.substring(from + start.length() + 1, to);
  }
}
