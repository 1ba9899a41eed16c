package io.kubeopencode.outputs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes and reads the JSON objects of the message; the framing (which form, compression) is in OutputsCodec. */
final class MessageJson {

  static final String PARAMETERS = "parameters";
  static final String TOO_LARGE = "tooLarge";
  static final String TOO_LARGE_UNLISTED = "tooLargeUnlisted";
  static final String ENCODING = "encoding";
  static final String DATA = "data";

  private static final Set<String> PLAIN_FIELDS = Set.of(PARAMETERS, TOO_LARGE, TOO_LARGE_UNLISTED);
  private static final Set<String> COMPRESSED_FIELDS = Set.of(ENCODING, DATA);
  /** Longest piece of message content quoted in an error, so errors stay one short line. */
  private static final int MAX_QUOTED = 60;

  // Duplicate names are rejected: with "last one wins" a message could say two things about one parameter.
  // Characters outside the BMP are written as 4 UTF-8 bytes, as earlier releases (Go) did, not as two escaped
  // surrogates.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private MessageJson() {}

  /**
   * The plain form: {@code {"parameters":{...}}}, followed by {@code "tooLarge":[...]} and
   * {@code "tooLargeUnlisted":n} only when something was dropped. Compact, in the given order, UTF-8.
   */
  static byte[] plain(Map<String, String> parameters, List<String> tooLarge, int tooLargeUnlisted) {
    var out = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart(PARAMETERS);
      for (var parameter : parameters.entrySet()) {
        json.writeStringField(parameter.getKey(), parameter.getValue());
      }
      json.writeEndObject();
      if (!tooLarge.isEmpty()) {
        json.writeArrayFieldStart(TOO_LARGE);
        for (String name : tooLarge) {
          json.writeString(name);
        }
        json.writeEndArray();
      }
      if (tooLargeUnlisted > 0) {
        json.writeNumberField(TOO_LARGE_UNLISTED, tooLargeUnlisted);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The compressed form around already base64-encoded data (base64 needs no JSON escaping). */
  static String compressed(String encoding, String base64Data) {
    return "{\"" + ENCODING + "\":\"" + encoding + "\",\"" + DATA + "\":\"" + base64Data + "\"}";
  }

  /** Length in UTF-8 bytes of {@code value} as a JSON string literal, quotes and escapes included. */
  static long jsonLength(String value) {
    var counter = new CountingStream();
    writeString(value, counter);
    return counter.count;
  }

  /** {@code value} as a JSON string literal in UTF-8, quotes and escapes included. */
  static byte[] jsonString(String value) {
    var out = new ByteArrayOutputStream();
    writeString(value, out);
    return out.toByteArray();
  }

  private static void writeString(String value, OutputStream out) {
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one JSON object; {@code what} names the text in errors ("message", "compressed data"). */
  static JsonNode parseObject(byte[] utf8, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(utf8);
    } catch (JsonProcessingException e) {
      String reason = oneLine(e.getOriginalMessage()).replaceAll("\\[Source: [^;\\]]*; ", "[");
      throw new MalformedOutputsException(what + " is not JSON: " + reason + at(e), e);
    } catch (IOException e) {
      throw new MalformedOutputsException(what + " is not JSON: " + oneLine(e.getMessage()), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedOutputsException(what + " is empty");
    }
    if (!root.isObject()) {
      throw new MalformedOutputsException(what + " is not a JSON object but " + kind(root));
    }
    return root;
  }

  static boolean isCompressedForm(JsonNode root) {
    return root.has(ENCODING) || root.has(DATA);
  }

  /** The two fields of the compressed form. */
  record Compressed(String encoding, String data) {}

  static Compressed readCompressed(JsonNode root) {
    requireOnly(root, COMPRESSED_FIELDS, "compressed form");
    return new Compressed(requireText(root, ENCODING), requireText(root, DATA));
  }

  /** Reads and checks the plain form; {@code where} prefixes errors for the inner JSON of the compressed form. */
  static TaskOutputs readPlain(JsonNode root, String where) {
    requireOnly(root, PLAIN_FIELDS, where);
    var parameters = new LinkedHashMap<String, String>();
    // A missing "parameters" is the empty map: earlier releases wrote it with Go's omitempty.
    JsonNode params = root.path(PARAMETERS);
    if (!params.isMissingNode()) {
      if (!params.isObject()) {
        throw new MalformedOutputsException(where + ": parameters is not an object of strings but " + kind(params));
      }
      for (var field : params.properties()) {
        if (!field.getValue().isTextual()) {
          throw new MalformedOutputsException(where + ": parameters is not an object of strings: parameter "
              + quote(field.getKey()) + " is " + kind(field.getValue()));
        }
        parameters.put(field.getKey(), field.getValue().textValue());
      }
    }
    List<String> tooLarge = new ArrayList<>();
    JsonNode names = root.path(TOO_LARGE);
    if (!names.isMissingNode()) {
      if (!names.isArray()) {
        throw new MalformedOutputsException(where + ": tooLarge is not an array of strings but " + kind(names));
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode name : names) {
        if (!name.isTextual()) {
          throw new MalformedOutputsException(where + ": tooLarge is not an array of strings: it holds " + kind(name));
        }
        String text = name.textValue();
        if (!seen.add(text)) {
          throw new MalformedOutputsException(where + ": tooLarge names " + quote(text) + " twice");
        }
        if (parameters.containsKey(text)) {
          throw new MalformedOutputsException(
              where + ": parameter " + quote(text) + " is both delivered and listed in tooLarge");
        }
        tooLarge.add(text);
      }
    }
    int unlisted = 0;
    JsonNode count = root.path(TOO_LARGE_UNLISTED);
    if (!count.isMissingNode()) {
      if (!count.isIntegralNumber() || !count.canConvertToInt() || count.intValue() < 0) {
        throw new MalformedOutputsException(
            where + ": tooLargeUnlisted is not a non-negative integer but " + kind(count));
      }
      unlisted = count.intValue();
    }
    return new TaskOutputs(parameters, tooLarge, unlisted);
  }

  private static void requireOnly(JsonNode root, Set<String> allowed, String where) {
    for (String name : (Iterable<String>) root::fieldNames) {
      if (!allowed.contains(name)) {
        throw new MalformedOutputsException(where + ": unknown field " + quote(name) + ", expected "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static String requireText(JsonNode root, String field) {
    JsonNode node = root.path(field);
    if (node.isMissingNode()) {
      throw new MalformedOutputsException("compressed form: " + field + " is missing");
    }
    if (!node.isTextual()) {
      throw new MalformedOutputsException("compressed form: " + field + " is not a string but " + kind(node));
    }
    return node.textValue();
  }

  /** A node's JSON type for error messages, e.g. "a number". */
  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING, BINARY -> "a string";
      case NUMBER -> "a number (" + quote(node.asText()) + ")";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case MISSING -> "missing";
    };
  }

  /** Quotes message content for an error: single-quoted, shortened, control characters escaped. */
  static String quote(String text) {
    String shown = text.codePointCount(0, text.length()) > MAX_QUOTED
        ? text.substring(0, text.offsetByCodePoints(0, MAX_QUOTED)) + "..."
        : text;
    var quoted = new StringBuilder("'");
    shown.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        quoted.append(String.format("\\u%04x", c));
      } else {
        quoted.appendCodePoint(c);
      }
    });
    return quoted.append('\'').toString();
  }

  static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** Where the parser stopped, e.g. " (at column 17)"; Jackson's own text names a source we never include. */
  private static String at(JsonProcessingException e) {
    var location = e.getLocation();
    if (location == null || location.getColumnNr() < 1) {
      return "";
    }
    String line = location.getLineNr() > 1 ? "line " + location.getLineNr() + ", " : "";
    return " (at " + line + "column " + location.getColumnNr() + ")";
  }

  /** Counts bytes instead of keeping them. */
  private static final class CountingStream extends OutputStream {
    private long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
