package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.ProgramVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the git-init container: {@code git-init [git-init]}, configured by environment variables (see
 * {@link EnvNames}). Exit code 0 on success; otherwise the {@link Failure} code, with the one-line reason on stderr
 * and in the termination log.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (ProgramVersion.requested(args)) {
      System.out.println(ProgramVersion.of(Main.class));
      return;
    }
    // Before any library logger exists: JGit and sshd only get to say warnings.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int code = run(List.of(args), System.getenv(), new Log(System.out), Clock.systemUTC());
    System.out.flush();
    // exit() also ends JGit's and sshd's non-daemon helper threads.
    System.exit(code);
  }

  static int run(List<String> args, Map<String, String> env, Log log, Clock clock) {
    Path terminationLog = Path.of(env.getOrDefault(EnvNames.GIT_TERMINATION_LOG,
        SettingsParser.DEFAULT_TERMINATION_LOG));
    Redactor redactor = Redactor.none();
    try {
      SettingsParser.checkArguments(args);
      Settings settings = SettingsParser.parse(env);
      redactor = GitInit.redactor(settings);
      log.useRedactor(redactor);
      IsolatedSystemReader.install();
      new GitInit(settings, log, d -> Thread.sleep(d.toMillis()), clock).run();
      return 0;
    } catch (GitInitException e) {
      return fail(log, terminationLog, redactor, e.failure(), e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      return fail(log, terminationLog, redactor, Failure.INTERNAL, "unexpected error: " + e, e);
    }
  }

  private static int fail(Log log, Path terminationLog, Redactor redactor, Failure failure, String message,
      Throwable cause) {
    String line = TerminationLog.oneLine(redactor.redact(message));
    log.error(line);
    if (failure == Failure.INTERNAL && cause != null) {
      // Unclassified: the chain of causes helps, each line redacted like the message.
      for (Throwable c = cause.getCause(); c != null; c = c.getCause()) {
        log.error("  caused by " + TerminationLog.oneLine(redactor.redact(c.toString())));
      }
    }
    TerminationLog.write(terminationLog, line);
    return failure.exitCode();
  }
}
