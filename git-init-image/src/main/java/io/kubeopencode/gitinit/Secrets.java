package io.kubeopencode.gitinit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Reads a {@link SecretSource}; errors name the variable and the path, never the content. */
final class Secrets {
  private Secrets() {}

  static String read(SecretSource source, String variable) {
    return switch (source) {
      case SecretSource.Inline inline -> inline.content();
      case SecretSource.FromFile file -> {
        try {
          yield Files.readString(file.path(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new GitInitException(Failure.CONFIG,
              variable + " is neither the content nor a readable file: cannot read " + file.path());
        }
      }
    };
  }
}
