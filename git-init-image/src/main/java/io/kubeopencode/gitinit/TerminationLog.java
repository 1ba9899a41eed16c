package io.kubeopencode.gitinit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes the failure line where Kubernetes picks it up as the termination message; silent when it cannot. */
public final class TerminationLog {
  /** The kubelet keeps at most 4096 bytes per container; a line stays well under that. */
  static final int MAX_CHARS = 1024;

  private TerminationLog() {}

  public static String oneLine(String message) {
    String line = message.replaceAll("\\s*\\R\\s*", " ").strip();
    return line.length() > MAX_CHARS ? line.substring(0, MAX_CHARS - 3) + "..." : line;
  }

  public static void write(Path path, String message) {
    try {
      Files.writeString(path, oneLine(message), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // Outside Kubernetes there is no termination log: the exit code and the log line still tell.
    }
  }
}
