package io.kubeopencode.contextinit.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {

  @Test
  void noPrefixOrNoVariablesMeansNoCredentials() {
    assertThat(Credentials.from(null, Map.of("URL_0_TOKEN", "t"), "u")).isEmpty();
    assertThat(Credentials.from("URL_0", Map.of(), "u")).isEmpty();
    assertThat(Credentials.from("URL_0", Map.of("URL_0_TOKEN", "", "URL_0_PASSWORD", ""), "u")).isEmpty();
  }

  @Test
  void aTokenIsBearerAndWinsOverBasic() {
    Credentials c = Credentials.from("URL_0", Map.of("URL_0_TOKEN", "abc\r\n", "URL_0_USERNAME", "u",
        "URL_0_PASSWORD", "p"), "u").orElseThrow();

    assertThat(c.scheme()).isEqualTo("Bearer");
    assertThat(c.headerValue()).isEqualTo("Bearer abc");
    assertThat(c.secrets()).containsExactly("abc");
    assertThat(c.toString()).doesNotContain("abc");
  }

  @Test
  void usernameAndPasswordAreBasic() {
    Credentials c = Credentials.from("URL_1", Map.of("URL_1_USERNAME", "bob", "URL_1_PASSWORD", "pä55"), "u")
        .orElseThrow();
    String encoded = Base64.getEncoder().encodeToString("bob:pä55".getBytes(StandardCharsets.UTF_8));

    assertThat(c.scheme()).isEqualTo("Basic");
    assertThat(c.headerValue()).isEqualTo("Basic " + encoded);
    assertThat(c.secrets()).containsExactly("pä55", encoded);
  }

  @Test
  void aPasswordAloneIsBasicWithAnEmptyUsername() {
    Credentials c = Credentials.from("URL_1", Map.of("URL_1_PASSWORD", "p"), "u").orElseThrow();

    assertThat(c.headerValue()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(":p".getBytes()));
  }

  @Test
  void valuesThatWouldBreakTheHeaderAreRefusedWithoutQuotingThem() {
    assertThatThrownBy(() -> Credentials.from("URL_0", Map.of("URL_0_TOKEN", "ab\ncd"), "URL context 0"))
        .hasMessage("InvalidConfig: URL context 0: URL_0_TOKEN contains a line break or control character");
    assertThatThrownBy(() -> Credentials.from("URL_0", Map.of("URL_0_USERNAME", "a:b", "URL_0_PASSWORD", "x"),
        "URL context 0")).hasMessage("InvalidConfig: URL context 0: the username of URL_0_USERNAME contains ':', "
            + "which basic authentication cannot carry");
  }
}
