package io.kubeopencode.outputs;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Test data written independently of the codec, so tests do not check the codec against itself. */
final class TestValues {

  private TestValues() {}

  /** Random printable ASCII: gzip saves less than base64 adds, so it does not fit better compressed. */
  static String incompressible(Random random, int length) {
    var text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('!' + random.nextInt('~' - '!' + 1)));
    }
    return text.toString();
  }

  static int utf8Length(String text) {
    return text.getBytes(UTF_8).length;
  }

  static String gzipBase64(String text) {
    return gzipBase64(text.getBytes(UTF_8));
  }

  static String gzipBase64(byte[] data) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  static String compressedMessage(String innerJson) {
    return "{\"encoding\":\"gzip+base64\",\"data\":\"" + gzipBase64(innerJson) + "\"}";
  }
}
