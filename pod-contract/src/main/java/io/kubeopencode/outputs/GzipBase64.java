package io.kubeopencode.outputs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The "gzip+base64" encoding of the compressed form: standard base64 (with padding) of one gzip member. */
final class GzipBase64 {

  static final String NAME = "gzip+base64";

  private GzipBase64() {}

  static String encode(byte[] data) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new BestGzipOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  /**
   * About how many bytes {@code data} adds to the base64 text when compressed along with the rest: the base64 length
   * of its raw deflate stream (gzip's 18 bytes of header and trailer are paid once per message, not per value).
   */
  static long approximateLength(byte[] data) {
    var deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      byte[] buffer = new byte[8192];
      long deflated = 0;
      while (!deflater.finished()) {
        deflated += deflater.deflate(buffer);
      }
      return (deflated + 2) / 3 * 4;
    } finally {
      deflater.end();
    }
  }

  /** Decodes, refusing more than {@code maxInflatedBytes} of output so a small message cannot exhaust memory. */
  static byte[] decode(String base64, int maxInflatedBytes) {
    byte[] compressed;
    try {
      compressed = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new MalformedOutputsException("bad base64 in data: " + MessageJson.oneLine(e.getMessage()), e);
    }
    try (var gzip = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      byte[] inflated = gzip.readNBytes(maxInflatedBytes + 1);
      if (inflated.length > maxInflatedBytes) {
        throw new MalformedOutputsException(
            "decompressed data exceeds " + maxInflatedBytes + " bytes (refused as a possible decompression bomb)");
      }
      return inflated;
    } catch (EOFException e) {
      throw new MalformedOutputsException("bad gzip in data: truncated" + (compressed.length == 0 ? " (empty)" : ""), e);
    } catch (IOException e) {
      // ZipException: bad header, bad deflate data, or a CRC or length in the trailer that does not match.
      throw new MalformedOutputsException("bad gzip in data: " + MessageJson.oneLine(e.getMessage()), e);
    }
  }

  /** gzip at the highest level: every byte saved is room for another parameter. */
  private static final class BestGzipOutputStream extends GZIPOutputStream {
    BestGzipOutputStream(OutputStream out) throws IOException {
      super(out);
      def.setLevel(Deflater.BEST_COMPRESSION);
    }
  }
}
