package io.kubeopencode.controller.reconcile;

import java.util.List;
import java.util.regex.Pattern;

/** {@code allowedNamespaces} of an Agent: glob patterns ({@code *}, {@code ?}); an empty list allows all. Pure. */
public final class NamespaceGlobs {
  private NamespaceGlobs() {}

  public static boolean allows(List<String> patterns, String namespace) {
    return patterns.isEmpty() || patterns.stream().anyMatch(p -> matches(p, namespace));
  }

  static boolean matches(String glob, String namespace) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return namespace.matches(regex.toString());
  }
}
