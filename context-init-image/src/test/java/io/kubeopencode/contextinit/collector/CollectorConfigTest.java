package io.kubeopencode.contextinit.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.podcontract.OutputSpec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("WORKSPACE_DIR", "/workspace"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static void assertInvalid(Map<String, String> env, String message) {
    assertThatThrownBy(() -> CollectorConfig.from(env))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.INVALID_CONFIG))
        .hasMessage("InvalidConfig: " + message);
  }

  @Test
  void readsTheSpecAsTheControllerWritesIt() {
    CollectorConfig config = CollectorConfig.from(env(
        "OUTPUT_SPEC", "{\"parameters\":[{\"name\":\"pr-url\",\"path\":\"out/pr-url\",\"default\":null},"
            + "{\"name\":\"summary\",\"path\":\"summary.md\",\"default\":\"none\"}]}",
        "OUTPUT_MAX_BYTES", "2048"));

    assertThat(config.workspace()).isEqualTo("/workspace");
    assertThat(config.parameters()).containsExactly(new OutputSpec.Parameter("pr-url", "out/pr-url", null),
        new OutputSpec.Parameter("summary", "summary.md", "none"));
    assertThat(config.maxBytes()).isEqualTo(2048);
  }

  @Test
  void defaults() {
    CollectorConfig config = CollectorConfig.from(env());

    assertThat(config.parameters()).isEmpty();
    assertThat(config.maxBytes()).isEqualTo(4096);
  }

  @Test
  void malformedVariablesAreNamed() {
    assertInvalid(new HashMap<>(), "WORKSPACE_DIR is required");
    assertInvalid(env("OUTPUT_SPEC", "[]"), "OUTPUT_SPEC must be a JSON object, not a array");
    assertInvalid(env("OUTPUT_SPEC", "{\"parameters\":[{\"path\":\"a\"}]}"),
        "OUTPUT_SPEC parameters[0]: name is missing");
    assertInvalid(env("OUTPUT_SPEC", "{\"parameters\":[{\"name\":\"a\"}]}"),
        "OUTPUT_SPEC parameters[0]: path is missing");
    assertInvalid(env("OUTPUT_SPEC", "{\"parameters\":[{\"name\":\"a\",\"path\":\"x\"},{\"name\":\"a\","
        + "\"path\":\"y\"}]}"), "OUTPUT_SPEC parameters[1]: parameter 'a' is declared twice");
    assertInvalid(env("OUTPUT_SPEC", "{\"params\":[]}"), "OUTPUT_SPEC: unknown field 'params'");
    assertInvalid(env("OUTPUT_MAX_BYTES", "63"), "OUTPUT_MAX_BYTES must be a number between 64 and 4096, not '63'");
    assertInvalid(env("OUTPUT_MAX_BYTES", "5000"),
        "OUTPUT_MAX_BYTES must be a number between 64 and 4096, not '5000'");
    assertInvalid(env("OUTPUT_MAX_BYTES", "lots"),
        "OUTPUT_MAX_BYTES must be a number between 64 and 4096, not 'lots'");
  }
}
