package io.kubeopencode.contextinit;

import io.kubeopencode.podcontract.ProgramVersion;
import io.kubeopencode.contextinit.collector.OutputCollector;
import io.kubeopencode.contextinit.staging.ContextInit;
import io.kubeopencode.podcontract.PodContract;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One image, two roles, chosen by the first argument: {@code context-init} (init container) and
 * {@code output-collector} (native sidecar). See docs/context-init.md for the environment of each.
 */
public final class Main {
  /** context-init staged everything. */
  public static final int EXIT_OK = 0;
  /** A context could not be staged: missing key, refused path, failed download, write error. */
  public static final int EXIT_FAILED = 1;
  /** No role or an unknown one. */
  public static final int EXIT_USAGE = 2;
  /** An environment variable is malformed. */
  public static final int EXIT_INVALID_CONFIG = 3;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (ProgramVersion.requested(args)) {
      System.out.println(ProgramVersion.of(Main.class));
      return;
    }
    // UTF-8 whatever the container's locale: file names and messages may be non-ASCII.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    Map<String, String> env = System.getenv();
    String role = args.length > 0 ? args[0] : "";
    TerminationLog terminationLog = TerminationLog.from(env);
    switch (role) {
      case PodContract.ROLE_CONTEXT_INIT -> System.exit(contextInit(env, new Log(role, out, err), terminationLog));
      case PodContract.ROLE_OUTPUT_COLLECTOR ->
          new OutputCollector(env, new Log(role, out, err), terminationLog).runUntilTerminated();
      default -> {
        Log log = new Log("kubeopencode-context-init", out, err);
        String message = "usage: first argument must be the role, " + PodContract.ROLE_CONTEXT_INIT + " or "
            + PodContract.ROLE_OUTPUT_COLLECTOR + (args.length == 0 ? ", got none" : ", got '" + role + "'");
        log.error(message);
        terminationLog.writeError(log.clean(message), log);
        System.exit(EXIT_USAGE);
      }
    }
  }

  /** Runs context-init; on failure logs the one-line error and writes it to the termination log. */
  static int contextInit(Map<String, String> env, Log log, TerminationLog terminationLog) {
    try {
      new ContextInit(log).run(env);
      return EXIT_OK;
    } catch (Failure e) {
      fail(log, terminationLog, e.getMessage());
      return e.kind() == Failure.Kind.INVALID_CONFIG ? EXIT_INVALID_CONFIG : EXIT_FAILED;
    } catch (RuntimeException e) {
      fail(log, terminationLog, "unexpected error: " + e);
      log.stackTrace(e);
      return EXIT_FAILED;
    }
  }

  private static void fail(Log log, TerminationLog terminationLog, String message) {
    log.error(message);
    terminationLog.writeError(log.clean(message), log);
  }
}
