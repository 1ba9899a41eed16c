package io.kubeopencode.gitinit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code git daemon} serving a directory of bare repositories on 127.0.0.1. */
final class GitDaemon implements AutoCloseable {
  private final Process process;
  final int port;

  private GitDaemon(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static GitDaemon start(Path base, Path log) throws IOException, InterruptedException {
    int port = freePort();
    Process p = new ProcessBuilder("git", "daemon", "--export-all", "--base-path=" + base, "--listen=127.0.0.1",
        "--port=" + port, "--reuseaddr", "--informative-errors", base.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new GitDaemon(p, port);
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IOException("git daemon exited with " + p.exitValue());
        }
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IOException("git daemon did not listen on " + port);
  }

  String url(String repo) {
    return "git://127.0.0.1:" + port + "/" + repo;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
