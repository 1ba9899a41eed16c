package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.images.AgentRun.Result;
import io.kubeopencode.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox program ({@code images/src/main/c/pause.c}) as a real process. */
class PauseProcessTest {
  @TempDir
  Path tmp;

  private static AgentRun start(List<String> command) {
    return AgentRun.start(Map.of("PATH", "/usr/bin:/bin"), command);
  }

  @Test
  void printsItsVersion() {
    try (AgentRun pause = start(List.of(TestImages.pause().toString(), "-v"))) {
      Result result = pause.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).containsExactly("pause " + TestImages.version() + " (kubeopencode test image)");
    }
  }

  @Test
  void refusesArguments() {
    try (AgentRun pause = start(List.of(TestImages.pause().toString(), "--forever"))) {
      Result result = pause.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
      assertThat(result.stderr()).containsExactly("usage: pause [-v]");
    }
  }

  @Test
  void runsUntilSigtermThenExits0() {
    try (AgentRun pause = start(List.of(TestImages.pause().toString()))) {
      awaitSignalHandlers(pause.pid());
      assertThat(pause.process().isAlive()).isTrue();
      pause.sigterm();
      Result result = pause.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  @Test
  void sigintEndsItWith0Too() {
    try (AgentRun pause = start(List.of(TestImages.pause().toString()))) {
      awaitSignalHandlers(pause.pid());
      pause.signal("INT");
      Result result = pause.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  /**
   * A child that pause inherits (the shell forks it, then becomes pause by exec) ends while pause runs: pause reaps
   * it, so no zombie with pause as its parent stays behind, and pause keeps running.
   */
  @Test
  void reapsItsChildrenAndKeepsRunning() throws Exception {
    Path go = tmp.resolve("go");
    String script = "(while [ ! -e '" + go + "' ]; do sleep 0.05; done) & exec '" + TestImages.pause() + "'";
    try (AgentRun pause = start(List.of("/bin/sh", "-c", script))) {
      long pid = pause.pid();
      Await.until("pause (pid " + pid + ") to have the shell's child", () -> !childrenOf(pid).isEmpty()
          && ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("").endsWith("/pause"));
      awaitSignalHandlers(pid);

      Files.createFile(go);
      Await.until("the ended child of pause (pid " + pid + ") to be reaped, not left a zombie: " + childrenOf(pid),
          () -> childrenOf(pid).isEmpty());
      assertThat(pause.process().isAlive()).isTrue();

      pause.sigterm();
      Result result = pause.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  /** Every process (zombies included) whose parent is {@code pid}, from /proc/<n>/stat. */
  private static List<String> childrenOf(long pid) {
    try (Stream<Path> all = Files.list(Path.of("/proc"))) {
      return all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .map(p -> stat(p.resolve("stat")))
          .filter(stat -> !stat.isEmpty() && parentOf(stat) == pid)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stat(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return ""; // gone meanwhile
    }
  }

  /** Field 4 of /proc/<n>/stat, after the command in parentheses (which may hold spaces). */
  private static long parentOf(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[1]);
  }

  /** pause has installed its handlers (SigCgt in /proc/<pid>/status has SIGINT, SIGTERM and SIGCHLD). */
  private static void awaitSignalHandlers(long pid) {
    long wanted = (1L << (2 - 1)) | (1L << (15 - 1)) | (1L << (17 - 1));
    Await.until("pause (pid " + pid + ") to catch SIGINT, SIGTERM and SIGCHLD", () -> {
      try {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
            .filter(line -> line.startsWith("SigCgt:"))
            .anyMatch(line -> (Long.parseUnsignedLong(line.substring(7).strip(), 16) & wanted) == wanted);
      } catch (IOException e) {
        return false;
      }
    });
  }
}
