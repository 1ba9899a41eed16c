package io.kubeopencode.contextinit.collector;

import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.outputs.OutputsCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one declared output file from the workspace. The path is checked lexically, then resolved with every
 * symbolic link followed: it must end inside the workspace (an agent's link to the service-account token must not
 * leak it into the Task's status) and be a regular file.
 */
final class OutputFile {
  /**
   * A value longer than the codec ever compresses cannot be delivered in any form, so reading stops there; such
   * a file is passed on as {@link #undeliverable()}, which the codec then names in {@code tooLarge}.
   */
  static final int READ_LIMIT = OutputsCodec.MAX_DECOMPRESSED_BYTES;

  /** What reading one output file gave. */
  sealed interface Outcome {}

  /**
   * The file's content without leading and trailing white space ({@code trimmed} when there was some);
   * {@code bytes} is the file's size; {@code replaced} when invalid UTF-8 was replaced by U+FFFD.
   */
  record Read(String value, long bytes, boolean replaced, boolean trimmed) implements Outcome {}

  /** No such file (also a link to nothing). */
  record Missing() implements Outcome {}

  /** Refused by the path rules; not even a default is reported. */
  record Refused(String why) implements Outcome {}

  /** Exists but cannot be used: a directory, a device, unreadable. */
  record Unusable(String why) implements Outcome {}

  /** Larger than {@link #READ_LIMIT}: the codec will report it in {@code tooLarge}. */
  record Oversized(long bytes) implements Outcome {}

  private OutputFile() {}

  static Outcome read(Path workspaceReal, String relative) {
    List<String> segments;
    try {
      segments = PathRules.relative(relative, "path");
    } catch (PathRefused e) {
      return new Refused(e.detail());
    }
    Path path = workspaceReal;
    for (String s : segments) {
      path = path.resolve(s);
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return new Missing();
    } catch (IOException e) {
      return new Unusable("cannot resolve it: " + e.getClass().getSimpleName());
    }
    if (!real.startsWith(workspaceReal) || real.equals(workspaceReal)) {
      return new Refused("it leads outside the workspace, to " + real);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return new Unusable(Files.isDirectory(real) ? "it is a directory" : "it is not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(READ_LIMIT + 1);
    } catch (IOException e) {
      return new Unusable("cannot read it: " + e.getClass().getSimpleName()
          + (e.getMessage() != null ? " " + e.getMessage() : ""));
    }
    if (bytes.length > READ_LIMIT) {
      long size;
      try {
        size = Files.size(real);
      } catch (IOException e) {
        size = bytes.length;
      }
      return new Oversized(size);
    }
    String text;
    boolean replaced = false;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      text = new String(bytes, StandardCharsets.UTF_8);
      replaced = true;
    }
    String value = trimSpace(text);
    return new Read(value, bytes.length, replaced, value.length() != text.length());
  }

  /**
   * Go's {@code strings.TrimSpace}, as earlier KubeOpenCode releases applied it to output files ({@code echo URL >
   * .outputs/pr-url} gives the URL without its line break): leading and trailing code points for which Go's
   * {@code unicode.IsSpace} holds. That is not Java's {@code strip()}: Go includes U+0085 and the no-break spaces
   * U+00A0, U+2007, U+202F, and excludes U+001C..U+001F.
   */
  static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isGoSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /** Go's unicode.IsSpace: the Unicode White_Space property (checked against Go 1.26 for every code point). */
  static boolean isGoSpace(int cp) {
    return switch (cp) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
      default -> cp >= 0x2000 && cp <= 0x200A;
    };
  }

  /**
   * Stands in for an oversized value: longer than the codec ever delivers (its plain JSON exceeds
   * {@link OutputsCodec#MAX_DECOMPRESSED_BYTES}), so the codec names the parameter in tooLarge. One shared instance.
   */
  static String undeliverable() {
    return Undeliverable.VALUE;
  }

  private static final class Undeliverable {
    static final String VALUE = "x".repeat(OutputsCodec.MAX_DECOMPRESSED_BYTES + 1);
  }
}
