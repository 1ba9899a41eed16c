package io.kubeopencode.gitinit;

import java.nio.file.Path;

/** A value given either inline (the Secret's content in the variable) or as a path to a file holding it. */
public sealed interface SecretSource {
  record Inline(String content) implements SecretSource {
    @Override
    public String toString() {
      return "Inline[***]";
    }
  }

  record FromFile(Path path) implements SecretSource {}

  /** Content when it has a line break or {@code marker}, a path otherwise: a path never has either. */
  static SecretSource of(String value, String marker) {
    String v = value.strip();
    if (v.contains("\n") || v.contains(marker)) {
      return new Inline(value);
    }
    return new FromFile(Path.of(v));
  }
}
