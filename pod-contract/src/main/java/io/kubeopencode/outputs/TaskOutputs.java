package io.kubeopencode.outputs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decoded task outputs: the parameter values that were delivered, and what was dropped because it did not fit the
 * termination message.
 *
 * @param parameters name to value, each value exactly as the collector read it; in message order
 * @param tooLarge names of parameters whose values were dropped because everything did not fit (empty when none)
 * @param tooLargeUnlisted how many further parameters were dropped whose names did not fit into the message either;
 *     0 unless the names alone exceed the limit (e.g. dozens of long, random names)
 */
public record TaskOutputs(Map<String, String> parameters, List<String> tooLarge, int tooLargeUnlisted) {

  public TaskOutputs {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(tooLarge, "tooLarge");
    // LinkedHashMap rather than Map.copyOf: Map.copyOf iterates in an order that changes from JVM run to JVM run.
    var params = new LinkedHashMap<String, String>();
    parameters.forEach((name, value) -> params.put(
        Objects.requireNonNull(name, "parameter name"), Objects.requireNonNull(value, () -> "value of " + name)));
    parameters = Collections.unmodifiableMap(params);
    tooLarge = List.copyOf(tooLarge);
    if (tooLarge.stream().distinct().count() != tooLarge.size()) {
      throw new IllegalArgumentException("tooLarge names a parameter twice: " + tooLarge);
    }
    for (String name : tooLarge) {
      if (parameters.containsKey(name)) {
        throw new IllegalArgumentException("parameter '" + name + "' is both delivered and too large");
      }
    }
    if (tooLargeUnlisted < 0) {
      throw new IllegalArgumentException("tooLargeUnlisted must not be negative: " + tooLargeUnlisted);
    }
  }

  /** Outputs where nothing was dropped. */
  public TaskOutputs(Map<String, String> parameters) {
    this(parameters, List.of(), 0);
  }

  /** Outputs where the names of all dropped parameters are known. */
  public TaskOutputs(Map<String, String> parameters, List<String> tooLarge) {
    this(parameters, tooLarge, 0);
  }

  /** True when every collected parameter was delivered. */
  public boolean complete() {
    return tooLarge.isEmpty() && tooLargeUnlisted == 0;
  }
}
