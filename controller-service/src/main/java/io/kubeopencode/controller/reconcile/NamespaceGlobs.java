package io.kubeopencode.controller.reconcile;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code allowedNamespaces} of an Agent: shell glob patterns as earlier releases read them (Go's
 * {@code filepath.Match}): {@code *}, {@code ?}, character classes {@code [a-z]} and {@code [^0-9]}, and {@code \}
 * escapes. A malformed pattern matches nothing, as it did there. An empty list allows all namespaces. Pure.
 */
public final class NamespaceGlobs {
  private NamespaceGlobs() {}

  public static boolean allows(List<String> patterns, String namespace) {
    return patterns.isEmpty() || patterns.stream().anyMatch(p -> matches(p, namespace));
  }

  static boolean matches(String glob, String namespace) {
    return regex(glob).map(p -> p.matcher(namespace).matches()).orElse(false);
  }

  /** The pattern as a regular expression; empty when it is malformed. */
  static Optional<Pattern> regex(String glob) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '\\' -> {
          if (++i == glob.length()) {
            return Optional.empty();
          }
          regex.append(literal(glob.charAt(i)));
        }
        case '[' -> {
          int end = characterClass(glob, i + 1, regex);
          if (end < 0) {
            return Optional.empty();
          }
          i = end;
        }
        default -> regex.append(literal(c));
      }
      i++;
    }
    return Optional.of(Pattern.compile(regex.toString()));
  }

  /**
   * Appends the class that starts at {@code from} (after its '['); returns the index of its ']', or -1 when it is
   * malformed: unclosed, empty, a range whose ends are reversed, or an unescaped '-' or ']' where a character belongs.
   */
  private static int characterClass(String glob, int from, StringBuilder regex) {
    int i = from;
    StringBuilder cls = new StringBuilder("[");
    if (i < glob.length() && glob.charAt(i) == '^') {
      cls.append('^');
      i++;
    }
    int ranges = 0;
    while (true) {
      if (i >= glob.length()) {
        return -1;
      }
      if (glob.charAt(i) == ']' && ranges > 0) {
        regex.append(cls).append(']');
        return i;
      }
      int[] lo = classChar(glob, i);
      if (lo == null) {
        return -1;
      }
      i = lo[1];
      int hi = lo[0];
      if (i < glob.length() && glob.charAt(i) == '-') {
        int[] end = classChar(glob, i + 1);
        if (end == null || end[0] < lo[0]) {
          return -1;
        }
        hi = end[0];
        i = end[1];
      }
      cls.append(literal((char) lo[0])).append('-').append(literal((char) hi));
      ranges++;
    }
  }

  /** {character, index after it} of a class member, or null when there is none to read there. */
  private static int[] classChar(String glob, int i) {
    if (i >= glob.length() || glob.charAt(i) == '-' || glob.charAt(i) == ']') {
      return null;
    }
    if (glob.charAt(i) == '\\') {
      return i + 1 < glob.length() ? new int[] {glob.charAt(i + 1), i + 2} : null;
    }
    return new int[] {glob.charAt(i), i + 1};
  }

  private static String literal(char c) {
    return String.format("\\x{%x}", (int) c);
  }
}
