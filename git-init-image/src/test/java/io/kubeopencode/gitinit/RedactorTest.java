package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void removesSecretsKeyLinesAndUrlCredentials() {
    String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACD\n"
        + "-----END OPENSSH PRIVATE KEY-----\n";
    Redactor r = new Redactor(Arrays.asList("hunter22", key, null));

    assertThat(r.redact("login hunter22 refused")).isEqualTo("login *** refused");
    assertThat(r.redact("bad line QyNTUxOQAAACD here")).isEqualTo("bad line *** here");
    assertThat(r.redact("fetch https://bot:tok@host/r.git and http://tok@host/r"))
        .isEqualTo("fetch https://***@host/r.git and http://***@host/r");
    assertThat(r.redact("ssh://git:pw@host/r and ssh://git@host/r")).isEqualTo("ssh://git:***@host/r and ssh://git@host/r");
    assertThat(r.redact("git-init: cloning")).isEqualTo("git-init: cloning");
  }

  @Test
  void tinyValuesAreNotMaskedEverywhere() {
    assertThat(new Redactor(Arrays.asList("git")).redact("git-init")).isEqualTo("git-init");
  }
}
