package io.kubeopencode.contextinit.collector;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.TerminationLog;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The output-collector role, a native sidecar: it starts before the agent and idles until the kubelet sends
 * SIGTERM after the agent has exited; then it reads the outputs, writes the termination message and exits.
 *
 * <p>SIGTERM runs the JVM's shutdown hooks; the hook does the work and ends the process with
 * {@link Runtime#halt}, so the exit code is the hook's (0) rather than the JVM's 143 for a signal. The hook is
 * registered before anything else, so even a SIGTERM during start-up is answered with a message.
 */
public final class OutputCollector {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_INVALID_CONFIG = 3;

  private final Map<String, String> env;
  private final Log log;
  private final TerminationLog terminationLog;
  private CollectorConfig config;
  private Failure configProblem;

  public OutputCollector(Map<String, String> env, Log log, TerminationLog terminationLog) {
    this.env = env;
    this.log = log;
    this.terminationLog = terminationLog;
  }

  /** Never returns: waits for SIGTERM, whose hook ends the process. */
  public void runUntilTerminated() throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int code = finish();
      Runtime.getRuntime().halt(code);
    }, "output-collector-sigterm"));
    configure();
    if (configProblem == null) {
      log.info("waiting for SIGTERM (sent when the agent has exited) to collect " + config.parameters().size()
          + " outputs from " + config.workspace());
    } else {
      // Staying up rather than crash-looping: the error is reported in the termination message at the end.
      log.error(configProblem.getMessage() + "; waiting for SIGTERM to report it");
    }
    new CountDownLatch(1).await();
  }

  private synchronized void configure() {
    if (config == null && configProblem == null) {
      try {
        config = CollectorConfig.from(env);
      } catch (Failure e) {
        configProblem = e;
      }
    }
  }

  /** Collects and writes the message; returns the exit code. */
  synchronized int finish() {
    configure();
    if (configProblem != null) {
      terminationLog.writeError(log.clean(configProblem.getMessage()), log);
      return EXIT_INVALID_CONFIG;
    }
    log.info("SIGTERM received, collecting outputs");
    try {
      String message = new OutputCollection(log).collect(config);
      terminationLog.write(message);
      log.info("wrote the termination message to " + terminationLog.path());
      return EXIT_OK;
    } catch (Failure e) {
      log.error(e.getMessage());
      terminationLog.writeError(log.clean(e.getMessage()), log);
      return e.kind() == Failure.Kind.INVALID_CONFIG ? EXIT_INVALID_CONFIG : EXIT_FAILED;
    } catch (IOException e) {
      log.error("could not write the termination message to " + terminationLog.path() + ": " + e);
      return EXIT_FAILED;
    } catch (RuntimeException | Error e) {
      log.error("unexpected error: " + e);
      log.stackTrace(e);
      terminationLog.writeError(log.clean("unexpected error: " + e), log);
      return EXIT_FAILED;
    }
  }
}
