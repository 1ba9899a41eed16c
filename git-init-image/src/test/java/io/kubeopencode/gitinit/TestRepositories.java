package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitCli.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Bare repositories under one directory, made with the git CLI:
 * <ul>
 *   <li>project.git: main = c1 (tag v1) - c2 (annotated tag v2) - c3; branch feature = c2 + feature.txt;
 *       docs/ and an executable scripts/run.sh</li>
 *   <li>super.git: submodule lib -> ../lib.git, which has submodule deep -> ../deep.git (relative URLs)</li>
 * </ul>
 */
final class TestRepositories {
  final Path dir;
  final String c1;
  final String c2;
  final String c3;
  final String feature;

  private TestRepositories(Path dir, String c1, String c2, String c3, String feature) {
    this.dir = dir;
    this.c1 = c1;
    this.c2 = c2;
    this.c3 = c3;
    this.feature = feature;
  }

  private static TestRepositories shared;

  /** One set per test JVM (no test changes them): building them takes some 40 git commands. */
  static synchronized TestRepositories shared() throws IOException, InterruptedException {
    if (shared == null) {
      Path base = Files.createTempDirectory("git-init-test-repos");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Workspace.deleteRecursively(base);
        } catch (IOException e) {
          // a leftover in the temporary directory is harmless
        }
      }));
      shared = create(base);
    }
    return shared;
  }

  static TestRepositories create(Path base) throws IOException, InterruptedException {
    Path repos = Files.createDirectories(base.resolve("repos"));
    Path work = Files.createDirectories(base.resolve("work/project"));
    git(work, "init", "-q", "-b", "main");
    write(work.resolve("README.md"), "one\n");
    write(work.resolve("docs/guide.md"), "# Guide\n");
    write(work.resolve("docs/api/index.md"), "# API\n");
    write(work.resolve("scripts/run.sh"), "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(work.resolve("scripts/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "c1");
    String c1 = git(work, "rev-parse", "HEAD");
    git(work, "tag", "v1");
    write(work.resolve("README.md"), "two\n");
    git(work, "commit", "-q", "-am", "c2");
    String c2 = git(work, "rev-parse", "HEAD");
    git(work, "tag", "-a", "v2", "-m", "release two");
    git(work, "checkout", "-q", "-b", "feature");
    write(work.resolve("feature.txt"), "feature\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "feature");
    String feature = git(work, "rev-parse", "HEAD");
    git(work, "checkout", "-q", "main");
    write(work.resolve("README.md"), "three\n");
    git(work, "commit", "-q", "-am", "c3");
    String c3 = git(work, "rev-parse", "HEAD");
    git(repos, "clone", "-q", "--bare", work.toString(), "project.git");

    bareWithFile(base, repos, "deep", "deep.txt");
    Path lib = bareWorkWithFile(base, "lib", "lib.txt");
    addSubmodule(lib, repos.resolve("deep.git"), "deep", "../deep.git");
    git(repos, "clone", "-q", "--bare", lib.toString(), "lib.git");
    Path sup = bareWorkWithFile(base, "super", "super.txt");
    addSubmodule(sup, repos.resolve("lib.git"), "lib", "../lib.git");
    git(repos, "clone", "-q", "--bare", sup.toString(), "super.git");
    return new TestRepositories(repos, c1, c2, c3, feature);
  }

  private static void bareWithFile(Path base, Path repos, String name, String file)
      throws IOException, InterruptedException {
    Path work = bareWorkWithFile(base, name, file);
    git(repos, "clone", "-q", "--bare", work.toString(), name + ".git");
  }

  private static Path bareWorkWithFile(Path base, String name, String file) throws IOException, InterruptedException {
    Path work = Files.createDirectories(base.resolve("work").resolve(name));
    git(work, "init", "-q", "-b", "main");
    write(work.resolve(file), name + "\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", name);
    return work;
  }

  /** Added from the absolute path, then recorded with a URL relative to the parent's remote, as projects do. */
  private static void addSubmodule(Path work, Path bare, String path, String relativeUrl)
      throws IOException, InterruptedException {
    git(work, "-c", "protocol.file.allow=always", "submodule", "add", "-q", bare.toString(), path);
    git(work, "config", "-f", ".gitmodules", "submodule." + path + ".url", relativeUrl);
    git(work, "add", ".gitmodules");
    git(work, "commit", "-q", "-m", "submodule " + path);
  }
}
