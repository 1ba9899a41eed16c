package io.kubeopencode.outputs;

import static io.kubeopencode.outputs.TestValues.incompressible;
import static io.kubeopencode.outputs.TestValues.utf8Length;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutputsCodecTest {

  private static Map<String, String> ordered(String... namesAndValues) {
    var map = new LinkedHashMap<String, String>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  /** Delivered values are exact, and every input name is delivered or listed, never both. */
  private static void assertAccountsForEveryParameter(Map<String, String> input, TaskOutputs outputs) {
    outputs.parameters().forEach((name, value) -> assertThat(value).as(name).isEqualTo(input.get(name)));
    assertThat(outputs.tooLargeUnlisted()).isZero();
    Set<String> all = new HashSet<>(outputs.parameters().keySet());
    all.addAll(outputs.tooLarge());
    assertThat(all).isEqualTo(input.keySet());
    assertThat(outputs.parameters().size() + outputs.tooLarge().size()).isEqualTo(input.size());
  }

  @Test
  void smallMapIsWrittenAsPlainCompactJsonInMapOrder() {
    var parameters = ordered("summary", "Fixed the flaky test", "pr-url", "https://github.com/o/r/pull/7");

    String message = OutputsCodec.encode(parameters);

    assertThat(message).isEqualTo(
        "{\"parameters\":{\"summary\":\"Fixed the flaky test\",\"pr-url\":\"https://github.com/o/r/pull/7\"}}");
    assertThat(OutputsCodec.decode(message)).isEqualTo(new TaskOutputs(parameters));
    assertThat(OutputsCodec.decode(message).parameters().keySet()).containsExactly("summary", "pr-url");
  }

  @Test
  void emptyMapIsAnEmptyParametersObject() {
    String message = OutputsCodec.encode(Map.of());

    assertThat(message).isEqualTo("{\"parameters\":{}}");
    TaskOutputs outputs = OutputsCodec.decode(message);
    assertThat(outputs.parameters()).isEmpty();
    assertThat(outputs.complete()).isTrue();
  }

  @Test
  void unicodeIsWrittenAsUtf8AndRoundTrips() {
    var parameters = ordered("grüße", "héllo wörld — 世界 🚀 \u00a0\u2028", "emoji-only", "👩‍💻🧪");

    String message = OutputsCodec.encode(parameters);

    assertThat(message).isEqualTo(
        "{\"parameters\":{\"grüße\":\"héllo wörld — 世界 🚀 \u00a0\u2028\",\"emoji-only\":\"👩‍💻🧪\"}}");
    assertThat(OutputsCodec.decode(message).parameters()).isEqualTo(parameters);
  }

  @Test
  void quotesBackslashesNewlinesAndControlCharactersAreEscaped() {
    var parameters = ordered("text", "say \"hi\"\\n\nline2\r\ttab\u0000nul\u0001\u001f\u007fdel </script>");

    String message = OutputsCodec.encode(parameters);

    assertThat(message).isEqualTo("{\"parameters\":{\"text\":"
        + "\"say \\\"hi\\\"\\\\n\\nline2\\r\\ttab\\u0000nul\\u0001\\u001F\u007fdel </script>\"}}");
    assertThat(OutputsCodec.decode(message).parameters()).isEqualTo(parameters);
  }

  @Test
  void decodesWhatEarlierReleasesWrote() {
    // Go's encoding/json escaped <, > and & and left out an empty map.
    assertThat(OutputsCodec.decode("{\"parameters\":{\"html\":\"\\u003cb\\u003e \\u0026\"}}").parameters())
        .containsExactly(Map.entry("html", "<b> &"));
    assertThat(OutputsCodec.decode("{}")).isEqualTo(new TaskOutputs(Map.of()));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(OutputsCodec.decode(" \n{\"parameters\":{\"a\":\"1\"}}\n\t").parameters())
        .containsExactly(Map.entry("a", "1"));
    assertThat(OutputsCodec.decode("\n" + TestValues.compressedMessage("{\"parameters\":{\"a\":\"1\"}}") + "\n")
        .parameters()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void mapThatOnlyFitsCompressedIsGzipped() {
    var parameters = ordered(
        "log", "step passed: compile\n".repeat(300),
        "diff", "+ added line\n- removed line\n".repeat(100),
        "pr-url", "https://github.com/o/r/pull/7");
    assertThat(utf8Length(parameters.toString())).isGreaterThan(OutputsCodec.MAX_BYTES);

    String message = OutputsCodec.encode(parameters);

    assertThat(message).startsWith("{\"encoding\":\"gzip+base64\",\"data\":\"").endsWith("\"}");
    assertThat(utf8Length(message)).isLessThanOrEqualTo(OutputsCodec.MAX_BYTES);
    TaskOutputs outputs = OutputsCodec.decode(message);
    assertThat(outputs).isEqualTo(new TaskOutputs(parameters));
    assertThat(outputs.parameters().keySet()).containsExactly("log", "diff", "pr-url");
  }

  @Test
  void mapThatCannotFitDeliversTheSmallestValuesWholeAndNamesTheRest() {
    var random = new Random(7);
    var parameters = ordered(
        "big-1", incompressible(random, 1500),
        "pr-url", "https://github.com/o/r/pull/7",
        "big-2", incompressible(random, 1400),
        "big-3", incompressible(random, 1600),
        "summary", "done",
        "big-4", incompressible(random, 1300));

    String message = OutputsCodec.encode(parameters);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(OutputsCodec.MAX_BYTES);
    TaskOutputs outputs = OutputsCodec.decode(message);
    assertAccountsForEveryParameter(parameters, outputs);
    // Smallest first: the two short values, then 1300 and 1400; 1500 does not fit any more.
    assertThat(outputs.parameters().keySet()).containsExactly("pr-url", "big-2", "summary", "big-4");
    assertThat(outputs.tooLarge()).containsExactly("big-1", "big-3");
    assertThat(message).startsWith("{\"parameters\":{\"pr-url\":").contains(",\"tooLarge\":[\"big-1\",\"big-3\"]}");
  }

  @Test
  void reducedMessageIsCompressedWhenOnlyThatFits() {
    var random = new Random(11);
    var parameters = ordered(
        "random", incompressible(random, 5000),
        "repetitive", "all work and no play makes Jack a dull boy. ".repeat(200));

    TaskOutputs outputs = OutputsCodec.decode(OutputsCodec.encode(parameters));

    assertThat(OutputsCodec.encode(parameters)).startsWith("{\"encoding\":\"gzip+base64\"");
    assertThat(outputs.parameters()).containsExactly(Map.entry("repetitive", parameters.get("repetitive")));
    assertThat(outputs.tooLarge()).containsExactly("random");
  }

  @Test
  void singleIncompressibleValueLargerThanTheLimitIsNamedNotTruncated() {
    var parameters = ordered("huge", incompressible(new Random(3), 10_000), "small", "ok");

    String message = OutputsCodec.encode(parameters);

    assertThat(message).isEqualTo("{\"parameters\":{\"small\":\"ok\"},\"tooLarge\":[\"huge\"]}");
    assertThat(OutputsCodec.decode(message)).isEqualTo(new TaskOutputs(Map.of("small", "ok"), List.of("huge")));
  }

  @Test
  void equalSizesAreKeptByName() {
    var random = new Random(5);
    var parameters = ordered("b", incompressible(random, 1500), "a", incompressible(random, 1500));

    TaskOutputs outputs = OutputsCodec.decode(OutputsCodec.encode(parameters, 2048));

    assertThat(outputs.parameters().keySet()).containsExactly("a");
    assertThat(outputs.tooLarge()).containsExactly("b");
  }

  @Test
  void namesThatDoNotFitEitherAreCounted() {
    var random = new Random(13);
    var parameters = new LinkedHashMap<String, String>();
    for (int i = 0; i < 64; i++) {
      parameters.put(incompressible(random, 253), "");
    }

    String message = OutputsCodec.encode(parameters);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(OutputsCodec.MAX_BYTES);
    TaskOutputs outputs = OutputsCodec.decode(message);
    assertThat(outputs.parameters()).isEmpty();
    assertThat(outputs.tooLarge()).isNotEmpty()
        .containsExactlyElementsOf(new ArrayList<>(parameters.keySet()).subList(0, outputs.tooLarge().size()));
    assertThat(outputs.tooLarge().size() + outputs.tooLargeUnlisted()).isEqualTo(64);
    assertThat(outputs.complete()).isFalse();
  }

  @Test
  void smallerBudgetIsRespected() {
    var parameters = ordered("a", incompressible(new Random(1), 900), "b", "x".repeat(200));

    String message = OutputsCodec.encode(parameters, 1024);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(1024);
    assertAccountsForEveryParameter(parameters, OutputsCodec.decode(message));
    assertThat(OutputsCodec.decode(message).parameters()).containsKey("b");
    assertThat(OutputsCodec.encode(parameters, OutputsCodec.MIN_BYTES))
        .isEqualTo("{\"parameters\":{},\"tooLarge\":[\"a\",\"b\"]}");
  }

  @Test
  void podBudgetFollowsTheKubeletSplit() {
    assertThat(OutputsCodec.maxBytesForPod(1)).isEqualTo(4096);
    assertThat(OutputsCodec.maxBytesForPod(3)).isEqualTo(4096);
    assertThat(OutputsCodec.maxBytesForPod(4)).isEqualTo(3072);
    assertThat(OutputsCodec.maxBytesForPod(12)).isEqualTo(1024);
    assertThatThrownBy(() -> OutputsCodec.maxBytesForPod(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodeIsDeterministic() {
    var random = new Random(9);
    var parameters = ordered("a", "x".repeat(5000), "b", incompressible(random, 3000), "c", "short");

    assertThat(OutputsCodec.encode(parameters)).isEqualTo(OutputsCodec.encode(new LinkedHashMap<>(parameters)));
  }

  @Test
  void encodeRejectsWhatItCannotWriteFaithfully() {
    assertThatThrownBy(() -> OutputsCodec.encode(ordered("a", "broken \ud800 surrogate")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value of parameter 'a' is not valid Unicode: unpaired surrogate at index 7");
    assertThatThrownBy(() -> OutputsCodec.encode(ordered("\udc00", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate at index 0");
    assertThatThrownBy(() -> OutputsCodec.encode(ordered("a", null)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("'a'");
    assertThatThrownBy(() -> OutputsCodec.encode(Map.of(), 63))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> OutputsCodec.encode(Map.of(), 4097))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
  }

  @Test
  void taskOutputsCopiesAndChecks() {
    var parameters = new LinkedHashMap<>(ordered("z", "1", "a", "2"));
    var outputs = new TaskOutputs(parameters, List.of("m"));
    parameters.put("late", "3");

    assertThat(outputs.parameters().keySet()).containsExactly("z", "a");
    assertThatThrownBy(() -> outputs.parameters().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new TaskOutputs(Map.of("a", "1"), List.of("a")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TaskOutputs(Map.of(), List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TaskOutputs(Map.of(), List.of(), -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
