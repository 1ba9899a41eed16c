package io.kubeopencode.gitinit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real git command line, isolated from the machine's config, for building fixtures and checking results. */
final class GitCli {
  record Result(int exitCode, String output) {}

  private static final String NO_GLOBAL_CONFIG =
      Path.of(System.getProperty("java.io.tmpdir"), "git-init-tests", "no-such-gitconfig").toString();

  private GitCli() {}

  static String git(Path dir, String... args) throws IOException, InterruptedException {
    Result r = run(dir, Map.of(), List.of(), args);
    if (r.exitCode() != 0) {
      throw new AssertionError("git " + String.join(" ", args) + " failed in " + dir + ":\n" + r.output());
    }
    return r.output().strip();
  }

  /** {@code prefix} goes before "git" (e.g. setpriv to run as another user). */
  static Result run(Path dir, Map<String, String> extraEnv, List<String> prefix, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add("git");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_"));
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    // A global config that does not exist (reads as empty), so the machine's ~/.gitconfig plays no part.
    env.put("GIT_CONFIG_GLOBAL", NO_GLOBAL_CONFIG);
    env.put("GIT_AUTHOR_NAME", "Test");
    env.put("GIT_AUTHOR_EMAIL", "test@example.com");
    env.put("GIT_COMMITTER_NAME", "Test");
    env.put("GIT_COMMITTER_EMAIL", "test@example.com");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.putAll(extraEnv);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("git " + String.join(" ", args) + " timed out");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
