package io.kubeopencode.images.bench;

import java.util.List;
import java.util.function.ToLongFunction;

/** What is printed: a line per run, and at the end a Markdown table. */
final class BenchReport {
  /** Per run, what the container costs once its task exists: the median of these, not a difference of medians. */
  private static final ToLongFunction<Sample> TAIL = s -> s.doneMs() - s.taskMs();

  private BenchReport() {}

  /** One run's figures, those that were measured. */
  static String runLine(Scenario scenario, Sample s) {
    StringBuilder line = new StringBuilder();
    line.append(scenario.image().kind == Image.Kind.SERVICE ? "ready " : "exited ").append(s.doneMs()).append(" ms");
    line.append(" (task started ").append(s.taskMs()).append(" ms)");
    if (s.jvmMs() >= 0) {
      line.append(", Helidon: ").append(s.jvmMs()).append(" ms since JVM start");
    }
    if (s.cpuMs() >= 0) {
      line.append(", CPU ").append(s.cpuMs()).append(" ms");
    }
    if (s.rssKb() >= 0) {
      line.append(", RSS ").append(Sample.scaled(s.rssKb(), 1024)).append(" MiB");
    }
    if (s.cgroupKb() >= 0) {
      line.append(", cgroup ").append(Sample.scaled(s.cgroupKb(), 1024)).append(" MiB");
    }
    line.append(", load ").append(String.format("%.2f", s.load()));
    return line.toString();
  }

  /** A Markdown table: medians, and min / median / max of the headline figure. */
  static void printSummary(List<Scenario> scenarios, RoundResults results, int runs, String loadBefore) {
    // What a container costs after its task exists without a JVM: start, exit, delete, ctr's exit.
    List<Sample> baseline = results.baselineSamples();
    long baselineTail = baseline.isEmpty() ? 0L : MinMedianMax.of(baseline, TAIL).median();
    printLegend(runs, loadBefore, baselineTail);
    for (Scenario scenario : scenarios) {
      printRow(scenario, results, baselineTail);
    }
    System.out.printf("%nload average (1 min) sampled at each run: %.2f-%.2f%n",
        results.allSamples().mapToDouble(Sample::load).min().orElse(0),
        results.allSamples().mapToDouble(Sample::load).max().orElse(0));
  }

  private static void printLegend(int runs, String loadBefore, long baselineTail) {
    System.out.println();
    System.out.printf("== start-up in a container, %d runs each (ms; median is the upper one for an even count);"
        + " load average %s before, %s after ==%n", runs, loadBefore, HostReadings.loadAverage());
    System.out.println("done: ctr run launched -> ready (services: first 2xx of /observe/health/ready) or exited"
        + " (init programs, baseline: ctr run --rm has returned, the container deleted)");
    System.out.println("task: ctr run launched -> its pid file (the task created by runc; the JVM not started yet)");
    System.out.println("JVM part: median of done - task per run; for init programs less the baseline's ("
        + baselineTail + " ms: start, exit, delete)");
    System.out.println("CPU: the container's cgroup (cpuacct) when ready, or its last reading before the exit (polled"
        + " every 5 ms); RSS: VmRSS of the JVM when ready; cgroup memory: its memory.usage_in_bytes then");
    System.out.println();
    System.out.println("| image, variant | runs | done: min / median / max | task | JVM part | Helidon's \"since JVM"
        + " startup\" | CPU (ms) | RSS at ready (MiB) | cgroup memory (MiB) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
  }

  private static void printRow(Scenario scenario, RoundResults results, long baselineTail) {
    List<Sample> list = results.samples(scenario);
    int failed = results.failures(scenario);
    String count = list.size() + (failed > 0 ? " (" + failed + " failed)" : "");
    if (list.isEmpty()) {
      System.out.printf("| %s | %s | | | | | | | |%n", scenario.label(), count);
      return;
    }
    Image image = scenario.image();
    boolean service = image.kind == Image.Kind.SERVICE;
    long tail = MinMedianMax.of(list, TAIL).median();
    System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario.label(), count,
        MinMedianMax.of(list, Sample::doneMs).rangeText(), MinMedianMax.of(list, Sample::taskMs).medianText(),
        switch (image.kind) {
          case SERVICE -> Long.toString(tail);
          case INIT -> Long.toString(tail - baselineTail);
          case BASELINE -> "";
        },
        service ? MinMedianMax.of(list, Sample::jvmMs).rangeText() : "",
        MinMedianMax.of(list, Sample::cpuMs).medianText(),
        service ? MinMedianMax.of(list, s -> Sample.scaled(s.rssKb(), 1024)).medianText() : "",
        service ? MinMedianMax.of(list, s -> Sample.scaled(s.cgroupKb(), 1024)).medianText() : "");
  }
}
