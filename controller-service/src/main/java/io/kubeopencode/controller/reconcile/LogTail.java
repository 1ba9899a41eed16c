package io.kubeopencode.controller.reconcile;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The end of an agent's log, bounded for {@code status.logTail}: whole lines, at most a few KB. Pure. */
public final class LogTail {
  public static final int MAX_LINES = 50;
  public static final int MAX_BYTES = 4096;

  private LogTail() {}

  public static String bound(String log) {
    if (log == null || log.isEmpty()) {
      return null;
    }
    List<String> lines = log.lines().toList();
    StringBuilder tail = new StringBuilder();
    int bytes = 0;
    for (int i = lines.size() - 1; i >= 0 && lines.size() - i <= MAX_LINES; i--) {
      String line = lines.get(i) + "\n";
      int size = line.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_BYTES) {
        if (tail.isEmpty()) {
          // One line longer than the limit: keep its end.
          String end = line.substring(Math.max(0, line.length() - MAX_BYTES / 4));
          return "…" + end;
        }
        break;
      }
      tail.insert(0, line);
      bytes += size;
    }
    return tail.toString();
  }
}
