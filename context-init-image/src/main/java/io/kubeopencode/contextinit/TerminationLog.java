package io.kubeopencode.contextinit;

import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The file the kubelet reads into the container's termination message: {@code /dev/termination-log}, or
 * {@code TERMINATION_LOG_PATH} where tests and local runs point it elsewhere.
 *
 * @param create whether to create the file if missing (only for a configured path)
 */
public record TerminationLog(Path path, boolean create) {
  /** The kubelet keeps at most 4096 bytes of a termination message; an error line is kept well below. */
  static final int MAX_ERROR_CHARS = 1024;

  public static TerminationLog from(Map<String, String> env) {
    String configured = env.get(PodContract.ENV_TERMINATION_LOG_PATH);
    if (configured == null || configured.isBlank()) {
      return new TerminationLog(Path.of(PodContract.DEFAULT_TERMINATION_LOG_PATH), false);
    }
    return new TerminationLog(Path.of(configured), true);
  }

  /**
   * Replaces the file's content with {@code message}. The kubelet provides /dev/termination-log; outside a pod it
   * is not created (a configured path is).
   */
  public void write(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    if (create) {
      Files.write(path, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } else {
      Files.write(path, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
  }

  /**
   * Writes a failure's one-line message (already cleaned by the log) for the controller to show; a failure to
   * write is logged, since the exit code still reports the error.
   */
  public void writeError(String line, Log log) {
    String shortened = line.length() <= MAX_ERROR_CHARS ? line : line.substring(0, MAX_ERROR_CHARS - 3) + "...";
    try {
      write(shortened);
    } catch (IOException | RuntimeException e) {
      log.error("could not write the termination log " + path + ": " + e);
    }
  }
}
