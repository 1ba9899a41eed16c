package io.kubeopencode.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A repository the git server serves: commit "first" (README.md, docs/guide.md) tagged v1, then commit "second" on
 * main (README.md changed), and branch feature with feature.txt.
 */
record TestRepository(Path dir, String firstCommit) {
  static TestRepository create(Path dir) throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      StoredConfig config = git.getRepository().getConfig();
      // As GitHub does: a fetch may ask for any commit reachable from a ref (a Git context's ref may be a SHA).
      config.setBoolean("uploadpack", null, "allowReachableSHA1InWant", true);
      config.save();
      write(dir, "README.md", "first version");
      write(dir, "docs/guide.md", "the guide");
      RevCommit first = commit(git, "first");
      git.tag().setName("v1").setObjectId(first).setAnnotated(false).call();
      write(dir, "README.md", "second version");
      commit(git, "second");
      git.branchCreate().setName("feature").call();
      git.checkout().setName("feature").call();
      write(dir, "feature.txt", "on the feature branch");
      commit(git, "feature");
      git.checkout().setName("main").call();
      return new TestRepository(dir, first.getName());
    }
  }

  private static void write(Path dir, String path, String content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content + "\n");
  }

  private static RevCommit commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("e2e", "e2e@example.invalid")
        .setCommitter("e2e", "e2e@example.invalid").setSign(false).call();
  }
}
