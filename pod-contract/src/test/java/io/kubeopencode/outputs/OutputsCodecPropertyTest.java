package io.kubeopencode.outputs;

import static io.kubeopencode.outputs.TestValues.utf8Length;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** The guarantees of the format for random maps, from tiny to far over the limit. */
class OutputsCodecPropertyTest {

  @Property(tries = 300)
  void messageFitsTheLimitAndAccountsForEveryParameter(@ForAll("parameterMaps") Map<String, String> parameters) {
    String message = OutputsCodec.encode(parameters);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(OutputsCodec.MAX_BYTES);
    assertDeliveredExactlyAndAccountedFor(parameters, OutputsCodec.decode(message));
  }

  @Property(tries = 200)
  void smallerBudgetsAreRespected(
      @ForAll("parameterMaps") Map<String, String> parameters,
      @ForAll @IntRange(min = OutputsCodec.MIN_BYTES, max = OutputsCodec.MAX_BYTES) int maxBytes) {
    String message = OutputsCodec.encode(parameters, maxBytes);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(maxBytes);
    assertDeliveredExactlyAndAccountedFor(parameters, OutputsCodec.decode(message));
  }

  @Property(tries = 200)
  void manyKeysFitTheLimit(@ForAll("manyKeys") Map<String, String> parameters) {
    String message = OutputsCodec.encode(parameters);

    assertThat(utf8Length(message)).isLessThanOrEqualTo(OutputsCodec.MAX_BYTES);
    assertDeliveredExactlyAndAccountedFor(parameters, OutputsCodec.decode(message));
  }

  @Property(tries = 300)
  void everyNameIsDeliveredOrListedWhenTheNamesFit(@ForAll("parameterMaps") Map<String, String> parameters) {
    String namesOnly = "{\"parameters\":{},\"tooLarge\":["
        + String.join(",", parameters.keySet().stream().map(OutputsCodecPropertyTest::jsonString).toList()) + "]}";
    TaskOutputs outputs = OutputsCodec.decode(OutputsCodec.encode(parameters));

    if (utf8Length(namesOnly) <= OutputsCodec.MAX_BYTES) {
      assertThat(outputs.tooLargeUnlisted()).isZero();
      Set<String> named = new HashSet<>(outputs.parameters().keySet());
      named.addAll(outputs.tooLarge());
      assertThat(named).isEqualTo(parameters.keySet());
    }
  }

  @Property(tries = 300)
  void plainFormIsWrittenWhenItFits(@ForAll("parameterMaps") Map<String, String> parameters) {
    String plain = "{\"parameters\":{" + String.join(",", parameters.entrySet().stream()
        .map(e -> jsonString(e.getKey()) + ":" + jsonString(e.getValue())).toList()) + "}}";

    String message = OutputsCodec.encode(parameters);

    if (utf8Length(plain) <= OutputsCodec.MAX_BYTES) {
      assertThat(message).isEqualTo(plain);
    } else {
      assertThat(message).isNotEqualTo(plain);
      if (OutputsCodec.decode(message).complete()) {
        assertThat(message).startsWith("{\"encoding\":\"gzip+base64\",\"data\":\"");
      }
    }
  }

  @Property(tries = 300)
  void deliveredParametersAreTheCheapest(@ForAll("parameterMaps") Map<String, String> parameters) {
    TaskOutputs outputs = OutputsCodec.decode(OutputsCodec.encode(parameters));
    Map<String, Long> costs = new HashMap<>();
    parameters.forEach((name, value) -> costs.put(name, cost(value)));
    Comparator<String> byCostThenName = Comparator.<String>comparingLong(costs::get)
        .thenComparing(Comparator.naturalOrder());

    for (String delivered : outputs.parameters().keySet()) {
      for (String dropped : outputs.tooLarge()) {
        assertThat(byCostThenName.compare(delivered, dropped)).as("%s before %s", delivered, dropped).isNegative();
      }
    }
  }

  @Property(tries = 200)
  void encodeIsDeterministic(@ForAll("parameterMaps") Map<String, String> parameters) {
    assertThat(OutputsCodec.encode(parameters)).isEqualTo(OutputsCodec.encode(new LinkedHashMap<>(parameters)));
  }

  @Property(tries = 500)
  void decodeOfArbitraryTextFailsOnlyWithMalformedOutputs(@ForAll("almostMessages") String message) {
    try {
      TaskOutputs outputs = OutputsCodec.decode(message);
      assertThat(outputs.parameters()).doesNotContainValue(null);
    } catch (MalformedOutputsException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  private static void assertDeliveredExactlyAndAccountedFor(Map<String, String> input, TaskOutputs outputs) {
    outputs.parameters().forEach((name, value) -> {
      assertThat(input).containsKey(name);
      assertThat(value).as(name).isEqualTo(input.get(name));
    });
    assertThat(outputs.tooLarge()).allMatch(input::containsKey).noneMatch(outputs.parameters()::containsKey);
    assertThat(outputs.parameters().size() + outputs.tooLarge().size() + outputs.tooLargeUnlisted())
        .isEqualTo(input.size());
    // Both keep the input order.
    List<String> inputOrder = new ArrayList<>(input.keySet());
    Comparator<String> byInputOrder = Comparator.comparingInt(inputOrder::indexOf);
    assertThat(new ArrayList<>(outputs.parameters().keySet())).isSortedAccordingTo(byInputOrder);
    assertThat(outputs.tooLarge()).isSortedAccordingTo(byInputOrder);
  }

  /** The documented cost: the smaller of the JSON size and the base64 size of the raw deflate (level 9). */
  private static long cost(String value) {
    byte[] json = jsonString(value).getBytes(UTF_8);
    var deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(json);
    deflater.finish();
    byte[] out = new byte[json.length + 1024];
    int deflated = 0;
    while (!deflater.finished()) {
      deflated += deflater.deflate(out, deflated, out.length - deflated);
    }
    deflater.end();
    return Math.min(json.length, (deflated + 2) / 3 * 4L);
  }

  /** A JSON string literal as the format writes it: short escapes, other controls as uppercase, the rest raw. */
  private static String jsonString(String text) {
    var json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> json.append(c < 0x20 ? String.format("\\u%04X", (int) c) : String.valueOf(c));
      }
    }
    return json.append('"').toString();
  }

  @Provide
  Arbitrary<Map<String, String>> parameterMaps() {
    return orderedMaps(names(), values(), 64);
  }

  @Provide
  Arbitrary<Map<String, String>> manyKeys() {
    Arbitrary<String> shortValues = Arbitraries.oneOf(text(0, 40), incompressible(0, 200));
    return orderedMaps(names(), shortValues, 300);
  }

  @Provide
  Arbitrary<String> almostMessages() {
    Arbitrary<String> encoded = parameterMaps().map(OutputsCodec::encode);
    Arbitrary<String> damaged = Combinators.combine(encoded, Arbitraries.integers().between(0, 4095),
            Arbitraries.chars().with('"', '{', '}', '[', ']', ',', ':', 'A', '=', '\\', '0', ' '))
        .as((message, at, c) -> {
          int i = at % Math.max(1, message.length());
          return message.isEmpty() ? "" : message.substring(0, i) + c + message.substring(i + 1);
        });
    Arbitrary<String> cut = Combinators.combine(encoded, Arbitraries.integers().between(0, 4095))
        .as((message, length) -> message.substring(0, Math.min(length, message.length())));
    return Arbitraries.oneOf(damaged, cut, text(0, 100));
  }

  /** Maps keep the generated order, as the collector's map keeps the order of the Task's outputs. */
  private static Arbitrary<Map<String, String>> orderedMaps(Arbitrary<String> names, Arbitrary<String> values,
      int maxSize) {
    return Arbitraries.entries(names, values).list().ofMaxSize(maxSize).map(entries -> {
      Map<String, String> map = new LinkedHashMap<>();
      entries.forEach(e -> map.putIfAbsent(e.getKey(), e.getValue()));
      return map;
    });
  }

  private static Arbitrary<String> names() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '.', '0', '9')
            .ofMinLength(1).ofMaxLength(30)),
        Tuple.of(2, text(1, 20)),
        Tuple.of(1, incompressible(200, 253)));
  }

  private static Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, text(0, 200)),
        Tuple.of(2, repetitive()),
        Tuple.of(2, incompressible(0, 3000)),
        Tuple.of(1, incompressible(4000, 12_000)),
        Tuple.of(1, supplementary()));
  }

  /** Any BMP character but surrogates, control characters included. */
  private static Arbitrary<String> text(int min, int max) {
    return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\ufffd')
        .ofMinLength(min).ofMaxLength(max);
  }

  private static Arbitrary<String> incompressible(int min, int max) {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(min).ofMaxLength(max);
  }

  private static Arbitrary<String> repetitive() {
    return Combinators.combine(text(1, 40), Arbitraries.integers().between(1, 3000)).as(String::repeat);
  }

  /** Emoji and other characters outside the BMP, which Java holds as surrogate pairs. */
  private static Arbitrary<String> supplementary() {
    return Arbitraries.integers().between(0x1F300, 0x1FAFF).list().ofMaxSize(100)
        .map(codePoints -> codePoints.stream()
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
  }
}
