package io.kubeopencode.controller.reconcile;

import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.podcontract.PodContract;

/** The content of a Runtime context: what the agent should know about where it runs. */
final class RuntimeFacts {
  private RuntimeFacts() {}

  static String text(Task task, String workspaceDir) {
    return """
        You are running as a KubeOpenCode Task in a Kubernetes pod.
        - TASK_NAME=%s and TASK_NAMESPACE=%s identify the Task.
        - WORKSPACE_DIR=%s is your working directory; everything you need is there.
        - %s/%s holds the task description; %s/%s (if present) holds additional context.
        - Git contexts are cloned into their mountPath under the workspace before you start.
        - Declared outputs are read from their files (relative to the workspace) after you exit.
        """.formatted(task.getMetadata().getName(), task.getMetadata().getNamespace(), workspaceDir, workspaceDir,
        PodContract.TASK_FILE, workspaceDir, PodContract.CONTEXT_FILE);
  }
}
