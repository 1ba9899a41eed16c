package io.kubeopencode.testsupport;

/** The shutdown hooks that stop what a test started should the JVM exit (or be sent SIGTERM) without close(). */
final class ShutdownHooks {
  private ShutdownHooks() {}

  /** Called by close(): the hook is no longer needed. Called from the hook itself, there is nothing to remove. */
  static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
  }
}
