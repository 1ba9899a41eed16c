package io.kubeopencode.service;

/**
 * What a thread that dies of an unexpected throwable does to the service. A service whose reconcile or informer
 * threads died would still answer its health checks while doing nothing, so: an {@link Error} (out of memory, stack
 * overflow, a broken class) in any thread, or anything at all in a {@link #CRITICAL} thread, ends the process at
 * once with {@link #EXIT_CODE}; Kubernetes restarts it and the new process picks up every unfinished Task. The JVM
 * flag {@code -XX:+ExitOnOutOfMemoryError} covers the errors code might swallow.
 */
public final class FatalErrors {
  /** EX_SOFTWARE of sysexits.h: an internal error. */
  public static final int EXIT_CODE = 70;
  private static final System.Logger LOG = System.getLogger(FatalErrors.class.getName());

  /** For threads that must never die (reconcile workers): any throwable ends the process. */
  public static final Thread.UncaughtExceptionHandler CRITICAL = FatalErrors::halt;

  private FatalErrors() {}

  /** Installs the default handler of every thread that has none of its own. */
  public static void install() {
    Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
  }

  static void uncaught(Thread thread, Throwable error) {
    if (error instanceof Error) {
      halt(thread, error);
    } else {
      LOG.log(System.Logger.Level.WARNING, "thread " + thread.getName() + " died", error);
    }
  }

  private static void halt(Thread thread, Throwable error) {
    try {
      // stderr first: logging may need memory the process no longer has.
      System.err.println("FATAL: thread " + thread.getName() + " died of " + error + "; exiting with code "
          + EXIT_CODE + " so that the service is restarted");
      error.printStackTrace();
    } finally {
      // halt, not exit: shutdown hooks could block forever in a broken JVM. Another replica takes the lease over.
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
