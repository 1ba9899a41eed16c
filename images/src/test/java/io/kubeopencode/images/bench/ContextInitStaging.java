package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.Containerd.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs of context-init: a task.md staged from a mounted ConfigMap-like directory into a mounted workspace. */
final class ContextInitStaging {
  private final RunToExit toExit;
  private final WorkDir work;
  private final Path context;

  ContextInitStaging(RunToExit toExit, WorkDir work, Path context) {
    this.toExit = toExit;
    this.work = work;
    this.context = context;
  }

  /** The ConfigMap-like directory: one task.md. */
  static Path prepareContext(WorkDir work) throws IOException {
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("task.md"), "# Task\n\nDo the thing.\n");
    return context;
  }

  /** Launch to exit; fails unless task.md is in the workspace. */
  Sample measure(RunSpec spec) throws IOException {
    Path workspace = work.newWritableDirectory("workspace");
    Sample sample = toExit.measure(spec.withEnv("WORKSPACE_DIR", "/workspace")
        .withEnv("CONFIGMAP_PATH", "/kubeopencode/context")
        .withEnv("FILE_MAPPINGS", "[{\"key\":\"task.md\",\"targetPath\":\"/workspace/task.md\",\"fileMode\":420}]")
        .withReadOnlyBindMount(context, "/kubeopencode/context").withBindMount(workspace, "/workspace"));
    WorkDir.requireFile(workspace.resolve("task.md"));
    WorkDir.deleteRecursively(workspace);
    return sample;
  }
}
