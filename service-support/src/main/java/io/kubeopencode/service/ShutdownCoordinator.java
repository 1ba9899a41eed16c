package io.kubeopencode.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a service's parts in the reverse order they were registered, once, on JVM shutdown (SIGTERM) or on
 * {@link #close()}. Register in start-up order (web server, leader election, workers, intake) and shutdown runs
 * intake, workers, leader election (releasing the lease), web server. All steps together get {@code timeout}, of
 * which each step after the first keeps a small reserve (up to 1 s): a step still running when its share is used up is
 * abandoned (left running on its own daemon thread), and one that throws is logged; either way the next step runs.
 *
 * <p>A service installs the hook before it starts anything ({@link #startingUp()}): a SIGTERM that arrives while it
 * starts (say, just after it reported ready, before its last steps were registered) then waits for
 * {@link #startupComplete()}, within the timeout, and stops everything, instead of ending the JVM with nothing
 * stopped (the lease held until it expires, a deletion cut short).
 */
public final class ShutdownCoordinator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ShutdownCoordinator.class.getName());
  private static final Duration MAX_RESERVE = Duration.ofSeconds(1);

  private final Duration timeout;
  private final List<Step> steps = new ArrayList<>();
  private Thread hook;
  private boolean done;
  private volatile CountDownLatch startup = new CountDownLatch(0);

  /** A step of shutdown; may throw, which is logged and does not stop the remaining steps. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  private record Step(String name, Action action) {
  }

  public ShutdownCoordinator(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("shutdown timeout must be positive, was " + timeout);
    }
    this.timeout = timeout;
  }

  /** Adds a step; it will run before every step registered earlier. */
  public synchronized ShutdownCoordinator register(String name, Action action) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    if (done) {
      throw new IllegalStateException("already shut down; cannot register " + name);
    }
    steps.add(new Step(name, action));
    return this;
  }

  /**
   * Says that the service is still starting and registering steps: a shutdown that begins before
   * {@link #startupComplete()} waits for it (at most the timeout), then stops what has been registered.
   */
  public synchronized ShutdownCoordinator startingUp() {
    if (hook != null) {
      throw new IllegalStateException("startingUp() goes before installShutdownHook()");
    }
    startup = new CountDownLatch(1);
    return this;
  }

  /** Start-up is over: every step is registered. */
  public ShutdownCoordinator startupComplete() {
    startup.countDown();
    return this;
  }

  /** Runs the shutdown when the JVM is asked to exit (SIGTERM, SIGINT, System.exit). */
  public synchronized ShutdownCoordinator installShutdownHook() {
    if (hook == null) {
      hook = new Thread(this::closeOnceStarted, "shutdown-coordinator");
      Runtime.getRuntime().addShutdownHook(hook);
      // Also initialises logging now: set up for the first time inside a shutdown hook, JUL would stay silent.
      LOG.log(System.Logger.Level.INFO, "on shutdown, stops its steps in reverse order within {0}", timeout);
    }
    return this;
  }

  /** The hook: waits (outside the lock, so start-up can still register) for start-up to finish, then closes. */
  private void closeOnceStarted() {
    try {
      if (!startup.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "asked to stop while still starting; start-up did not finish within {0}:"
            + " stopping what has started", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Runs the steps, newest first; later calls return at once (a concurrent call waits for the first). */
  @Override
  public synchronized void close() {
    if (done) {
      return;
    }
    done = true;
    removeHook();
    LOG.log(System.Logger.Level.INFO, "shutting down: {0} steps within {1}", Integer.toString(steps.size()),
        timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    // Each later step keeps a reserve of the budget, so a step that hangs cannot leave none for the ones after it
    // (releasing the lease, stopping the web server take milliseconds).
    long reserve = Math.min(MAX_RESERVE.toNanos(), timeout.toNanos() / (2L * Math.max(1, steps.size())));
    boolean interrupted = false;
    List<Step> newestFirst = steps.reversed();
    for (int i = 0; i < newestFirst.size(); i++) {
      long stepsAfter = newestFirst.size() - 1 - i;
      interrupted |= runStep(newestFirst.get(i), deadline - stepsAfter * reserve);
    }
    LOG.log(System.Logger.Level.INFO, "shutdown complete");
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one step, waiting at most until the deadline; returns whether this thread was interrupted meanwhile. */
  private static boolean runStep(Step step, long deadline) {
    long begin = System.nanoTime();
    FutureTask<Void> task = new FutureTask<>(() -> {
      step.action().run();
      return null;
    });
    // Its own thread, so a step that hangs cannot hold up the rest beyond the deadline.
    Thread.ofPlatform().name("shutdown-" + step.name()).daemon(true).start(task);
    try {
      task.get(Math.max(0, deadline - begin), TimeUnit.NANOSECONDS);
      LOG.log(System.Logger.Level.INFO, "stopped {0} in {1} ms", step.name(), millisSince(begin));
      return false;
    } catch (TimeoutException e) {
      task.cancel(true);
      LOG.log(System.Logger.Level.WARNING, "gave up on stopping {0} after {1} ms: shutdown timeout reached",
          step.name(), millisSince(begin));
      return false;
    } catch (ExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "stopping " + step.name() + " failed after " + millisSince(begin)
          + " ms", e.getCause());
      return false;
    } catch (InterruptedException e) {
      // Abandon this step but keep going: the later steps (lease, web server) matter even more now.
      task.cancel(true);
      LOG.log(System.Logger.Level.WARNING, "interrupted while stopping {0}; moving on", step.name());
      return true;
    }
  }

  private void removeHook() {
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the JVM is exiting; the hook runs close() too and returns at once
      }
    }
  }

  /** As text: MessageFormat would print 1234 as "1,234". */
  private static String millisSince(long begin) {
    return Long.toString((System.nanoTime() - begin) / 1_000_000);
  }
}
