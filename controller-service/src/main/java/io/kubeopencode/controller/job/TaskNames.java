package io.kubeopencode.controller.job;

import io.kubeopencode.api.v1alpha1.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every name derived from a Task, in one place. Names are deterministic, so a restarted controller finds what it
 * created instead of creating it again.
 */
public final class TaskNames {
  /** Run names stay short enough to be label values (at most 63 characters), as earlier releases' Job names. */
  static final int MAX_RUN_NAME = 63;
  private static final String CONTEXT_SUFFIX = "-context";
  private static final String POD_SUFFIX = "-pod";

  private TaskNames() {}

  /**
   * What a Task's objects are named after: {@code <task>}, or {@code <taskns>-<task>} when it runs in another
   * namespace; shortened with a hash.
   */
  public static String runName(Task task, String runNamespace) {
    String ns = task.getMetadata().getNamespace();
    String base = ns.equals(runNamespace) ? task.getMetadata().getName() : ns + "-" + task.getMetadata().getName();
    return fitted(base, MAX_RUN_NAME);
  }

  /** The ConfigMap holding the Task's resolved contexts, next to its pod. */
  public static String contextConfigMapName(String runName) {
    return runName + CONTEXT_SUFFIX;
  }

  /**
   * The pod of one attempt: {@code <run>-pod} first (as earlier releases named it), {@code <run>-pod-<n>} for the
   * n-th replacement of a pod lost to a disruption. Deterministic, so a restart never creates a second one.
   */
  public static String podName(String runName, int attempt) {
    return attempt == 0 ? runName + POD_SUFFIX : runName + POD_SUFFIX + "-" + attempt;
  }

  /** The attempt a pod of {@code runName} belongs to; -1 when the name is not one of its pods. */
  public static int attemptOf(String runName, String podName) {
    String first = runName + POD_SUFFIX;
    if (podName.equals(first)) {
      return 0;
    }
    if (!podName.startsWith(first + "-")) {
      return -1;
    }
    try {
      int attempt = Integer.parseInt(podName.substring(first.length() + 1));
      return attempt > 0 ? attempt : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code name} itself when short enough, else a prefix and a hash of the whole, so distinct names stay distinct. */
  static String fitted(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash = sha256(name).substring(0, 10);
    String prefix = name.substring(0, max - hash.length() - 1);
    while (prefix.endsWith("-") || prefix.endsWith(".")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + "-" + hash;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
