package io.kubeopencode.images.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The samples and failures of the counted rounds (not the warm-up), per scenario. */
final class RoundResults {
  private final Map<Scenario, List<Sample>> samples = new LinkedHashMap<>();
  private final Map<Scenario, Integer> failures = new LinkedHashMap<>();

  void add(Scenario scenario, Sample sample) {
    samples.computeIfAbsent(scenario, s -> new ArrayList<>()).add(sample);
  }

  void countFailure(Scenario scenario) {
    failures.merge(scenario, 1, Integer::sum);
  }

  List<Sample> samples(Scenario scenario) {
    return samples.getOrDefault(scenario, List.of());
  }

  int failures(Scenario scenario) {
    return failures.getOrDefault(scenario, 0);
  }

  Stream<Sample> allSamples() {
    return samples.values().stream().flatMap(List::stream);
  }

  /** The pause baseline's samples, empty if it has none. */
  List<Sample> baselineSamples() {
    return samples.entrySet().stream().filter(e -> e.getKey().image() == Image.PAUSE)
        .map(Map.Entry::getValue).findFirst().orElse(List.of());
  }
}
