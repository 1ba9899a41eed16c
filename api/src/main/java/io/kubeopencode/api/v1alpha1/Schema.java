package io.kubeopencode.api.v1alpha1;

/** Schema fragments shared by several types; compile-time constants so annotations can use them. */
final class Schema {
  /** Go-style duration as Kubernetes users write it: {@code 90s}, {@code 30m}, {@code 1h30m}. No backslash: CEL uses it too. */
  static final String DURATION_PATTERN = "^([0-9]+([.][0-9]+)?(ms|s|m|h))+$";

  /** RE2: a {@code ..} path segment. */
  static final String PARENT_SEGMENT_REGEX = "(^|/)[.][.](/|$)";

  /** Bounds that keep the API server's CEL cost estimate within budget (and objects sane). */
  static final int MAX_PATH_LENGTH = 4096;
  static final int MAX_CONTEXTS = 128;
  static final int MAX_OUTPUT_PARAMETERS = 64;

  private Schema() {}
}
