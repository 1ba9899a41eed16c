package io.kubeopencode.outputs;

import static io.kubeopencode.outputs.TestValues.compressedMessage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a message can be wrong gives a MalformedOutputsException whose one-line message says what. */
class MalformedMessageTest {

  static Stream<Arguments> malformedMessages() {
    String gzipOfJunk = TestValues.gzipBase64("hello");
    String validData = TestValues.gzipBase64("{\"parameters\":{\"a\":\"1\"}}");
    byte[] gzip = Base64.getDecoder().decode(validData);
    String truncatedGzip = Base64.getEncoder().encodeToString(Arrays.copyOf(gzip, gzip.length - 6));
    byte[] corrupted = gzip.clone();
    corrupted[corrupted.length - 5] ^= 0x55; // inside the CRC-32 of the trailer
    String badCrc = Base64.getEncoder().encodeToString(corrupted);
    return Stream.of(
        Arguments.of(null, "empty message"),
        Arguments.of("", "empty message"),
        Arguments.of(" \n\t ", "empty message"),
        Arguments.of("collector crashed: no such file", "message is not JSON"),
        Arguments.of("{\"parameters\":{}} trailing", "message is not JSON"),
        Arguments.of("{\"parameters\":{\"a\":\"1\"", "message is not JSON"),
        Arguments.of("{\"parameters\":{\"a\":\"1\",\"a\":\"2\"}}", "message is not JSON: Duplicate field 'a'"),
        Arguments.of("[\"parameters\"]", "message is not a JSON object but an array"),
        Arguments.of("\"text\"", "message is not a JSON object but a string"),
        Arguments.of("null", "message is not a JSON object but null"),
        Arguments.of("{\"parameters\":[]}", "message: parameters is not an object of strings but an array"),
        Arguments.of("{\"parameters\":null}", "message: parameters is not an object of strings but null"),
        Arguments.of("{\"parameters\":{\"a\":1}}",
            "message: parameters is not an object of strings: parameter 'a' is a number ('1')"),
        Arguments.of("{\"parameters\":{\"a\":null}}",
            "message: parameters is not an object of strings: parameter 'a' is null"),
        Arguments.of("{\"parameters\":{\"a\":{\"b\":\"c\"}}}",
            "message: parameters is not an object of strings: parameter 'a' is an object"),
        Arguments.of("{\"parameters\":{},\"extra\":true}", "message: unknown field 'extra'"),
        Arguments.of("{\"params\":{}}", "message: unknown field 'params'"),
        Arguments.of("{\"parameters\":{},\"tooLarge\":\"a\"}",
            "message: tooLarge is not an array of strings but a string"),
        Arguments.of("{\"parameters\":{},\"tooLarge\":[1]}",
            "message: tooLarge is not an array of strings: it holds a number"),
        Arguments.of("{\"parameters\":{},\"tooLarge\":[\"a\",\"a\"]}", "message: tooLarge names 'a' twice"),
        Arguments.of("{\"parameters\":{\"a\":\"1\"},\"tooLarge\":[\"a\"]}",
            "message: parameter 'a' is both delivered and listed in tooLarge"),
        Arguments.of("{\"parameters\":{},\"tooLargeUnlisted\":-1}",
            "message: tooLargeUnlisted is not a non-negative integer"),
        Arguments.of("{\"parameters\":{},\"tooLargeUnlisted\":1.5}",
            "message: tooLargeUnlisted is not a non-negative integer"),
        Arguments.of("{\"parameters\":{},\"tooLargeUnlisted\":\"3\"}",
            "message: tooLargeUnlisted is not a non-negative integer but a string"),
        Arguments.of("{\"encoding\":\"zstd+base64\",\"data\":\"" + validData + "\"}",
            "unknown encoding 'zstd+base64', expected 'gzip+base64'"),
        Arguments.of("{\"encoding\":\"gzip+base64\"}", "compressed form: data is missing"),
        Arguments.of("{\"data\":\"" + validData + "\"}", "compressed form: encoding is missing"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":42}", "compressed form: data is not a string but a number"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"" + validData + "\",\"parameters\":{}}",
            "compressed form: unknown field 'parameters'"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"not base64!\"}", "bad base64 in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"" + validData.substring(1) + "\"}", "bad base64 in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"aGVsbG8gd29ybGQ=\"}", "bad gzip in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"\"}", "bad gzip in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"" + truncatedGzip + "\"}", "bad gzip in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"" + badCrc + "\"}", "bad gzip in data"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\"" + gzipOfJunk + "\"}", "compressed data is not JSON"),
        Arguments.of(compressedMessage("[]"), "compressed data is not a JSON object but an array"),
        Arguments.of(compressedMessage(compressedMessage("{\"parameters\":{}}")),
            "compressed data holds another compressed form instead of the plain form"),
        Arguments.of(compressedMessage("{\"parameters\":{\"a\":true}}"),
            "compressed data: parameters is not an object of strings: parameter 'a' is a boolean"),
        Arguments.of("{\"encoding\":\"gzip+base64\",\"data\":\""
            + TestValues.gzipBase64(new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})
            + "\"}", "compressed data is not JSON: Invalid UTF-8"));
  }

  @ParameterizedTest
  @MethodSource("malformedMessages")
  void isRejectedWithANamedError(String message, String expectedStart) {
    assertThatThrownBy(() -> OutputsCodec.decode(message))
        .isInstanceOf(MalformedOutputsException.class)
        .hasMessageStartingWith(expectedStart)
        .hasMessageNotContaining("\n");
  }

  @Test
  void decompressionBombIsRefused() {
    // 2 MiB of spaces inside a valid plain form gzips to a few KiB but inflates past the bound.
    String inner = "{\"parameters\":{\"a\":\"" + " ".repeat(2 * 1024 * 1024) + "\"}}";
    String message = compressedMessage(inner);
    assertThat(message.length()).isLessThan(OutputsCodec.MAX_BYTES);

    assertThatThrownBy(() -> OutputsCodec.decode(message))
        .isInstanceOf(MalformedOutputsException.class)
        .hasMessage("decompressed data exceeds 1048576 bytes (refused as a possible decompression bomb)");
  }

  @Test
  void decompressedDataUpToTheBoundIsAccepted() {
    String value = " ".repeat(OutputsCodec.MAX_DECOMPRESSED_BYTES - "{\"parameters\":{\"a\":\"\"}}".length());

    var outputs = OutputsCodec.decode(compressedMessage("{\"parameters\":{\"a\":\"" + value + "\"}}"));

    assertThat(outputs.parameters().get("a")).isEqualTo(value);
  }

  @Test
  void messageCutByTheKubeletIsNotJson() {
    // A message written without this codec and cut to the kubelet's per-container share.
    var parameters = new LinkedHashMap<String, String>();
    parameters.put("log", TestValues.incompressible(new Random(2), 4000));
    String full = "{\"parameters\":{\"log\":\"" + parameters.get("log") + "\"}}";
    String cut = new String(Arrays.copyOf(full.getBytes(UTF_8), OutputsCodec.maxBytesForPod(4)), UTF_8);

    assertThatThrownBy(() -> OutputsCodec.decode(cut))
        .isInstanceOf(MalformedOutputsException.class)
        .hasMessageStartingWith("message is not JSON");
  }

  @Test
  void longContentIsShortenedInErrors() {
    String name = "n".repeat(500);

    assertThatThrownBy(() -> OutputsCodec.decode("{\"parameters\":{\"" + name + "\":0}}"))
        .hasMessageContaining("'" + "n".repeat(60) + "...'")
        .hasMessageNotContaining("n".repeat(61));
    assertThatThrownBy(() -> OutputsCodec.decode("{\"encoding\":\"x\\u0000y\",\"data\":\"\"}"))
        .hasMessage("unknown encoding 'x\\u0000y', expected 'gzip+base64'");
  }
}
