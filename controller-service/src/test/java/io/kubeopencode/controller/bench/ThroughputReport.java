package io.kubeopencode.controller.bench;

import io.kubeopencode.api.v1alpha1.TaskPhase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** Prints one scenario's figures as a compact table and writes the per-Task CSV. */
final class ThroughputReport {
  /** The controller's figures: CPU seconds at the scenario's start and end, memory, start to first workload. */
  record Controller(double cpuAtStart, double cpuAtEnd, double rssMib, double peakRssMib, double startToWorkload) {}

  private final PrintStream out;
  private final List<String> names;
  private final TaskTimeline timeline;

  ThroughputReport(PrintStream out, List<String> names, TaskTimeline timeline) {
    this.out = out;
    this.names = names;
    this.timeline = timeline;
  }

  void header(String title, TaskLoad.Created created, String target) {
    out.printf(Locale.ROOT, "%n== %s ==%n", title);
    out.printf(Locale.ROOT, "created %d Tasks in %.1f s: %.1f/s%s%s%n", created.names().size(), created.seconds(),
        created.rate(), target, created.failures() > 0 ? " (" + created.failures() + " creates failed)" : "");
  }

  void latencies() {
    List<TaskTimeline.Entry> entries = names.stream().map(timeline::entry).toList();
    long completed = entries.stream().filter(e -> e.finalPhase == TaskPhase.Completed).count();
    long failed = entries.stream().filter(e -> e.finished != 0 && e.finalPhase != TaskPhase.Completed).count();
    long first = entries.stream().mapToLong(ThroughputReport::start).filter(t -> t != 0).min().orElse(0);
    long last = entries.stream().mapToLong(e -> e.finished).max().orElse(0);
    out.printf(Locale.ROOT, "finished %d Completed, %d Failed, %d unfinished; first created -> last finished %.1f s:"
        + " %.1f Tasks/s end to end%n", completed, failed, names.size() - completed - failed, (last - first) / 1e9,
        (completed + failed) / ((last - first) / 1e9));
    out.printf("%-32s %6s %8s %8s %8s %8s%n", "from created (Task ADDED seen)", "seen", "p50 ms", "p95 ms",
        "p99 ms", "max ms");
    // Which kind was seen first: a Job's Pod can be seen before the Job when the Job watch lags.
    Map<String, Long> kinds = entries.stream().filter(e -> e.workloadKind != null)
        .collect(Collectors.groupingBy(e -> e.workloadKind, TreeMap::new, Collectors.counting()));
    row("-> workload (first seen)", entries, e -> e.workload);
    out.printf("   first seen: %s%n", kinds.isEmpty() ? "none" : kinds);
    row("-> Running", entries, e -> e.running);
    row("-> Completed or Failed", entries, e -> e.finished);
  }

  void controller(Controller c) {
    double cpu = c.cpuAtEnd() - c.cpuAtStart();
    out.printf(Locale.ROOT, "controller process: start -> first workload %.1f s; CPU %.1f s in the scenario"
        + " (%.1f ms per Task), %.1f s since its start; RSS %.0f MiB at the end, peak %.0f MiB%n",
        c.startToWorkload(), cpu, cpu * 1000 / names.size(), c.cpuAtEnd(), c.rssMib(), c.peakRssMib());
  }

  void requests(String title, Map<String, Long> counts) {
    out.printf("%s%n  %-36s %8s %9s%n", title, "verb resource", "requests", "per Task");
    counts.forEach((key, n) -> out.printf(Locale.ROOT, "  %-36s %8d %9.2f%n", key, n, (double) n / names.size()));
    long writes = ApiRequests.writes(counts);
    out.printf(Locale.ROOT, "  %-36s %8d %9.2f%n", "mutating (POST/PUT/PATCH/DELETE)", writes,
        (double) writes / names.size());
  }

  /** One line per Task: ms since the first create call, empty where not seen. */
  Path csv(String scenario, long origin) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("task,create_returned_ms,added_ms,workload_ms,workload_kind,running_ms,finished_ms,phase");
    for (String name : names) {
      TaskTimeline.Entry e = timeline.entry(name);
      lines.add(String.join(",", name, ms(e.createReturned, origin), ms(e.added, origin), ms(e.workload, origin),
          e.workloadKind == null ? "" : e.workloadKind, ms(e.running, origin), ms(e.finished, origin),
          e.finalPhase == null ? "" : e.finalPhase.name()));
    }
    Path file = Files.createTempFile("bench-throughput-" + scenario + "-", ".csv");
    Files.write(file, lines);
    out.println("per-Task CSV: " + file);
    return file;
  }

  /** Percentiles over every Task: one not seen (yet) counts as slower than all, printed as "-". */
  private void row(String label, List<TaskTimeline.Entry> entries, ToLongFunction<TaskTimeline.Entry> at) {
    List<Double> ms = new ArrayList<>();
    for (TaskTimeline.Entry e : entries) {
      long t = at.applyAsLong(e);
      ms.add(t != 0 && start(e) != 0 ? (t - start(e)) / 1e6 : Double.POSITIVE_INFINITY);
    }
    ms.sort(Double::compare);
    long seen = ms.stream().filter(Double::isFinite).count();
    out.printf(Locale.ROOT, "%-32s %6d %8s %8s %8s %8s%n", label, seen, cell(percentile(ms, 50)),
        cell(percentile(ms, 95)), cell(percentile(ms, 99)), cell(ms.getLast()));
  }

  private static String cell(double ms) {
    return Double.isFinite(ms) ? String.format(Locale.ROOT, "%.0f", ms) : "-";
  }

  /** When the Task's ADDED was seen; the create call's return if the watch missed it. */
  private static long start(TaskTimeline.Entry e) {
    return e.added != 0 ? e.added : e.createReturned;
  }

  /** Nearest rank. */
  static double percentile(List<Double> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static String ms(long nanos, long origin) {
    return nanos == 0 ? "" : String.format(Locale.ROOT, "%.1f", (nanos - origin) / 1e6);
  }
}
