package io.kubeopencode.images.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code git daemon} on 127.0.0.1 serving the repository git-init clones. */
final class GitDaemon implements AutoCloseable {
  private static final int REPO_FILES = 20;

  private final Process process;
  private final int port;

  private GitDaemon(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A repository of REPO_FILES small files in one commit, in repos/demo; returns repos. */
  static Path prepareRepository(WorkDir work) throws IOException, InterruptedException {
    Path repos = Files.createDirectories(work.resolve("repos"));
    git(repos, "init", "-q", "-b", "main", "demo");
    Path demo = repos.resolve("demo");
    for (int i = 1; i <= REPO_FILES; i++) {
      Files.writeString(demo.resolve(String.format("file-%02d.txt", i)), ("line of file " + i + "\n").repeat(40));
    }
    git(demo, "add", ".");
    git(demo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "twenty files");
    return repos;
  }

  /** Starts the daemon on a free port of 127.0.0.1; its output goes to {@code log}. */
  static GitDaemon start(Path repos, Path log) throws IOException {
    int port = Loopback.freePort();
    Process process = new ProcessBuilder("git", "daemon", "--export-all", "--base-path=" + repos,
        "--listen=127.0.0.1", "--port=" + port, "--reuseaddr", repos.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new GitDaemon(process, port);
  }

  void awaitListening() throws InterruptedException {
    Loopback.awaitListening(port, "git daemon");
  }

  /** The prepared repository as the container sees it (host network). */
  String repositoryUrl() {
    return "git://127.0.0.1:" + port + "/demo";
  }

  @Override
  public void close() {
    try {
      process.destroy();
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed");
    }
  }
}
