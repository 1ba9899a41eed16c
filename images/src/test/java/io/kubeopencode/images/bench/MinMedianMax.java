package io.kubeopencode.images.bench;

import java.util.List;
import java.util.function.ToLongFunction;

/** One figure over the runs of a scenario; the median is the upper one for an even count. */
record MinMedianMax(long min, long median, long max) {
  static MinMedianMax of(List<Sample> samples, ToLongFunction<Sample> value) {
    long[] sorted = samples.stream().mapToLong(value).sorted().toArray();
    return new MinMedianMax(sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
  }

  /** "min / median / max", or "-" when not measured. */
  String rangeText() {
    return min < 0 ? "-" : min + " / " + median + " / " + max;
  }

  /** The median, or "-" when not measured. */
  String medianText() {
    return median < 0 ? "-" : Long.toString(median);
  }
}
