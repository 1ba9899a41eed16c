package io.kubeopencode.images.bench;

/** One run. -1: not measured. */
record Sample(long taskMs, long doneMs, long jvmMs, long rssKb, long cgroupKb, long cpuMs, double load) {
  /** value / divisor, or -1 when the value is -1 (not measured). */
  static long scaled(long value, long divisor) {
    return value < 0 ? -1 : value / divisor;
  }
}
