package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.Containerd.RunSpec;
import java.io.IOException;
import java.nio.file.Path;

/** Runs of git-init: a depth-1 clone from the local git daemon into a mounted directory. */
final class GitInitClone {
  private final RunToExit toExit;
  private final WorkDir work;
  private final String repositoryUrl;

  GitInitClone(RunToExit toExit, WorkDir work, String repositoryUrl) {
    this.toExit = toExit;
    this.work = work;
    this.repositoryUrl = repositoryUrl;
  }

  /** Launch to exit; fails unless the clone is there. */
  Sample measure(RunSpec spec) throws IOException {
    Path out = work.newWritableDirectory("git");
    Sample sample = toExit.measure(spec.withEnv("GIT_REPO", repositoryUrl)
        .withEnv("GIT_ROOT", "/git").withEnv("GIT_DEPTH", "1").withBindMount(out, "/git").withHostNetwork());
    WorkDir.requireFile(out.resolve("repo/file-01.txt"));
    WorkDir.deleteRecursively(out);
    return sample;
  }
}
