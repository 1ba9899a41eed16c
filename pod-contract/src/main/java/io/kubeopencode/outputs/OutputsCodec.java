package io.kubeopencode.outputs;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The termination-message format of task outputs, shared by the output collector (encode) and the controller
 * (decode). The format is described in task-outputs/README.md; in short, tried in order:
 *
 * <ol>
 *   <li>plain: {@code {"parameters":{"name":"value",...}}}, byte-compatible with earlier releases;
 *   <li>compressed: {@code {"encoding":"gzip+base64","data":"..."}}, data being the plain JSON gzipped;
 *   <li>reduced: as many of the parameters with the smallest values as fit, plain or compressed, with the others
 *       named in {@code "tooLarge":[...]}.
 * </ol>
 */
public final class OutputsCodec {

  /** Kubernetes keeps at most this many bytes of one container's termination message. */
  public static final int MAX_BYTES = 4096;
  /** Kubernetes keeps at most this many bytes of termination messages per pod, split evenly among containers. */
  public static final int MAX_POD_BYTES = 12 * 1024;
  /** Smallest limit encode accepts: room for the message that drops every parameter without naming any. */
  public static final int MIN_BYTES = 64;
  /** decode refuses compressed data that inflates to more than this; encode never compresses more. */
  public static final int MAX_DECOMPRESSED_BYTES = 1024 * 1024;

  private OutputsCodec() {}

  /** Encodes for a container whose message may use the full {@link #MAX_BYTES}. */
  public static String encode(Map<String, String> parameters) {
    return encode(parameters, MAX_BYTES);
  }

  /**
   * Encodes {@code parameters} into a message whose UTF-8 form has at most {@code maxBytes} bytes. Values are never
   * cut: each parameter is either delivered whole or named in {@code tooLarge}.
   *
   * @param parameters name to value, written in the map's iteration order; no null names or values, no unpaired
   *     surrogates
   * @param maxBytes the budget, between {@link #MIN_BYTES} and {@link #MAX_BYTES}; see {@link #maxBytesForPod}
   * @throws IllegalArgumentException for an out-of-range budget or a name or value that is not valid Unicode
   */
  public static String encode(Map<String, String> parameters, int maxBytes) {
    if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxBytes must be between " + MIN_BYTES + " and " + MAX_BYTES + ", was " + maxBytes);
    }
    List<Parameter> inOrder = checked(parameters);
    int n = inOrder.size();
    // Forms 1 and 2: everything.
    List<Parameter> cheapestFirst = inOrder.stream()
        .sorted(Comparator.comparingLong(Parameter::cost).thenComparing(Parameter::name))
        .toList();
    IntFunction<String> keepCheapest = keep -> fit(inOrder, cheapestFirst.subList(0, keep), maxBytes);
    String message = keepCheapest.apply(n);
    if (message != null) {
      return message;
    }
    // Form 3: the k cheapest parameters, the others named.
    String dropAll = keepCheapest.apply(0);
    if (dropAll != null) {
      return largestFitting(dropAll, n, keepCheapest);
    }
    // Even the names alone do not fit (dozens of long, random names): name as many as fit, count the rest.
    List<String> names = inOrder.stream().map(Parameter::name).toList();
    IntFunction<String> nameFirst = listed -> fit(Map.of(), names.subList(0, listed), n - listed, maxBytes);
    String nameNone = nameFirst.apply(0);
    if (nameNone == null) {
      throw new IllegalStateException("unreachable: the message naming nothing is shorter than " + MIN_BYTES);
    }
    return largestFitting(nameNone, n, nameFirst);
  }

  /**
   * The message for the largest k in [0, n) that bisection finds, given that k = 0 fits and k = n does not: it
   * fits, and k + 1 does not. A handful of gzip runs instead of n; the plain form shrinks with every k fewer and
   * the gzip size almost always does, so this is in practice the largest k that fits.
   */
  private static String largestFitting(String fitsAtZero, int n, IntFunction<String> messageFor) {
    String fits = fitsAtZero;
    int lo = 0;
    int hi = n;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      String candidate = messageFor.apply(mid);
      if (candidate != null) {
        lo = mid;
        fits = candidate;
      } else {
        hi = mid;
      }
    }
    return fits;
  }

  /**
   * The budget of one container's termination message in a pod with {@code containers} containers, init containers
   * included (native sidecars are init containers): the kubelet keeps the first 12 KiB / containers bytes of each
   * message once a pod has more than three.
   */
  public static int maxBytesForPod(int containers) {
    if (containers < 1) {
      throw new IllegalArgumentException("a pod has at least one container, was " + containers);
    }
    return Math.min(MAX_BYTES, MAX_POD_BYTES / containers);
  }

  /**
   * Decodes a termination message of any form; surrounding whitespace is ignored.
   *
   * @param message the container's termination message; null is treated as empty
   * @throws MalformedOutputsException if the message is empty or not a valid outputs message
   */
  public static TaskOutputs decode(String message) {
    if (message == null || message.isBlank()) {
      throw new MalformedOutputsException("empty message: the output collector wrote no outputs");
    }
    JsonNode root = MessageJson.parseObject(message.strip().getBytes(UTF_8), "message");
    if (!MessageJson.isCompressedForm(root)) {
      return MessageJson.readPlain(root, "message");
    }
    MessageJson.Compressed compressed = MessageJson.readCompressed(root);
    if (!GzipBase64.NAME.equals(compressed.encoding())) {
      throw new MalformedOutputsException("unknown encoding " + MessageJson.quote(compressed.encoding())
          + ", expected '" + GzipBase64.NAME + "'");
    }
    byte[] inner = GzipBase64.decode(compressed.data(), MAX_DECOMPRESSED_BYTES);
    JsonNode innerRoot = MessageJson.parseObject(inner, "compressed data");
    if (MessageJson.isCompressedForm(innerRoot)) {
      throw new MalformedOutputsException("compressed data holds another compressed form instead of the plain form");
    }
    return MessageJson.readPlain(innerRoot, "compressed data");
  }

  /** The message that delivers {@code kept}, in input order, and names the others; null if it does not fit. */
  private static String fit(List<Parameter> inOrder, List<Parameter> kept, int maxBytes) {
    long keptPlainBytes = kept.stream().mapToLong(Parameter::plainBytes).sum();
    if (keptPlainBytes > MAX_DECOMPRESSED_BYTES) {
      return null; // neither form can hold this many bytes: spare building and compressing it
    }
    Set<String> keptNames = new HashSet<>();
    kept.forEach(p -> keptNames.add(p.name()));
    var delivered = new LinkedHashMap<String, String>();
    var tooLarge = new ArrayList<String>();
    for (Parameter p : inOrder) {
      if (keptNames.contains(p.name())) {
        delivered.put(p.name(), p.value());
      } else {
        tooLarge.add(p.name());
      }
    }
    return fit(delivered, tooLarge, 0, maxBytes);
  }

  /** The plain form if it fits, else the compressed form if that fits, else null. */
  private static String fit(Map<String, String> delivered, List<String> tooLarge, int unlisted, int maxBytes) {
    byte[] plain = MessageJson.plain(delivered, tooLarge, unlisted);
    if (plain.length <= maxBytes) {
      return new String(plain, UTF_8);
    }
    if (plain.length > MAX_DECOMPRESSED_BYTES) {
      return null; // decode would refuse it
    }
    String compressed = MessageJson.compressed(GzipBase64.NAME, GzipBase64.encode(plain));
    return compressed.length() <= maxBytes ? compressed : null; // all ASCII: chars == bytes
  }

  private static List<Parameter> checked(Map<String, String> parameters) {
    Objects.requireNonNull(parameters, "parameters");
    var checked = new ArrayList<Parameter>(parameters.size());
    parameters.forEach((name, value) -> {
      Objects.requireNonNull(name, "parameter name");
      Objects.requireNonNull(value, () -> "value of parameter '" + name + "'");
      requireUnicode(name, "name of parameter '" + name + "'");
      requireUnicode(value, "value of parameter '" + name + "'");
      long plainBytes = MessageJson.jsonLength(value);
      checked.add(new Parameter(name, value, plainBytes, cost(value, plainBytes)));
    });
    return checked;
  }

  /**
   * What delivering a value costs: its size in the plain JSON, or, when smaller, about its size in the compressed
   * form. So a long but repetitive log is kept before a shorter random token when only compression makes room.
   */
  private static long cost(String value, long plain) {
    if (plain > MAX_DECOMPRESSED_BYTES) {
      return plain; // cannot be delivered in either form; spare compressing it
    }
    return Math.min(plain, GzipBase64.approximateLength(MessageJson.jsonString(value)));
  }

  /** An unpaired surrogate has no UTF-8 form: writing it would silently change the value. */
  private static void requireUnicode(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " is not valid Unicode: unpaired surrogate at index " + i);
      }
    }
  }

  /** One parameter; plainBytes is the size of its value in the plain JSON, cost what delivering it costs. */
  private record Parameter(String name, String value, long plainBytes, long cost) {}
}
