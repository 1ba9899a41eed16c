package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.RunningContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc and the containers' cgroups (v1) say; -1 for what is not (or no longer) there. */
final class HostReadings {
  private HostReadings() {}

  /** The 1, 5 and 15 minute load averages, "? ? ?" if unknown. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "? ? ?";
    }
  }

  static double load1() {
    return Double.parseDouble(loadAverage().split(" ")[0]);
  }

  static long vmRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException gone) {
      // exited
    }
    return -1;
  }

  /** CPU time of the container's cgroup so far (cgroup v1's cpuacct), -1 if it is not (or no longer) there. */
  static long cpuNanos(RunningContainer container) {
    return readLong(Path.of("/sys/fs/cgroup/cpuacct", Containerd.CGROUP_PARENT, container.id(), "cpuacct.usage"));
  }

  /** The container cgroup's memory.usage_in_bytes (cgroup v1). */
  static long memoryUsageBytes(RunningContainer container) {
    Path memory = Path.of("/sys/fs/cgroup/memory", Containerd.CGROUP_PARENT, container.id());
    return readLong(memory.resolve("memory.usage_in_bytes"));
  }

  private static long readLong(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
