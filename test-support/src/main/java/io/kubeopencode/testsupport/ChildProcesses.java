package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Short commands (ctr, kubectl) run to their end, and what they wrote. */
final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * Runs {@code builder}'s command with its stdin closed (unless the builder redirects it) and returns its exit
   * code and output. Past {@code timeout} (a liveness limit) the process is killed and this fails; {@code what}
   * names the command in that failure.
   */
  static CommandResult runToEnd(ProcessBuilder builder, Duration timeout, String what) {
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      // stderr on its own thread: a command that fills one pipe while we read the other would block forever.
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String out = readAll(process.getInputStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + timeout);
      }
      return new CommandResult(process.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + builder.command().getFirst(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + what, e);
    }
  }

  static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The end of a command's output: enough to say why it failed, short enough for an exception message. */
  static String tail(String text) {
    String stripped = text.strip();
    return stripped.length() <= 2000 ? stripped : "..." + stripped.substring(stripped.length() - 2000);
  }
}
