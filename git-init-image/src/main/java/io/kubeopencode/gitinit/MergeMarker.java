package io.kubeopencode.gitinit;

import java.util.Optional;

/**
 * Where a merge into GIT_MERGE_INTO stands, in a file outside the staging checkout (which the merge empties):
 * {@code merging} once the clone is complete and before the first entry moves, {@code merged} once the last has.
 * A restarted container resumes a merge that is {@code merging} and clones nothing; one that is {@code merged} is
 * done.
 *
 * @param checkout the request and the commit it got
 */
public record MergeMarker(boolean merged, CloneMarker checkout) {
  static final String SUFFIX = ".merge";

  public static MergeMarker merging(CloneMarker checkout) {
    return new MergeMarker(false, checkout);
  }

  public MergeMarker done() {
    return new MergeMarker(true, checkout);
  }

  public String format() {
    return "phase=" + (merged ? "merged" : "merging") + "\n" + checkout.format();
  }

  public static Optional<MergeMarker> parse(String text) {
    String phase = text.lines().filter(l -> l.startsWith("phase=")).findFirst().orElse("");
    if (!phase.equals("phase=merged") && !phase.equals("phase=merging")) {
      return Optional.empty();
    }
    return CloneMarker.parse(text).map(c -> new MergeMarker(phase.equals("phase=merged"), c));
  }
}
