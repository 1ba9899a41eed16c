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
  /** The Job controller puts the Job's name in a label value of the pods: at most 63 characters. */
  static final int MAX_JOB_NAME = 63;
  private static final String CONTEXT_SUFFIX = "-context";

  private TaskNames() {}

  /** {@code <task>}, or {@code <taskns>-<task>} when the Job runs in another namespace; shortened with a hash. */
  public static String jobName(Task task, String jobNamespace) {
    String ns = task.getMetadata().getNamespace();
    String base = ns.equals(jobNamespace) ? task.getMetadata().getName() : ns + "-" + task.getMetadata().getName();
    return fitted(base, MAX_JOB_NAME);
  }

  /** The ConfigMap holding the Task's resolved contexts, next to its Job. */
  public static String contextConfigMapName(String jobName) {
    return jobName + CONTEXT_SUFFIX;
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
