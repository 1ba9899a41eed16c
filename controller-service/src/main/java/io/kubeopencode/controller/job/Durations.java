package io.kubeopencode.controller.job;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them in manifests: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 1.5h}. */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+(\\.[0-9]+)?(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (expected e.g. 90s, 30m, 1h30m)");
    }
    double millis = 0;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      double value = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> value;
        case "s" -> value * 1_000;
        case "m" -> value * 60_000;
        default -> value * 3_600_000;
      };
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
