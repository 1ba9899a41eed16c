package io.kubeopencode.podcontract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgramVersionTest {

  @Test
  void isRequestedOnlyByTheSoleArgumentVersion() {
    assertThat(ProgramVersion.requested("--version")).isTrue();
    assertThat(ProgramVersion.requested()).isFalse();
    assertThat(ProgramVersion.requested("git-init")).isFalse();
    assertThat(ProgramVersion.requested("context-init", "--version")).isFalse();
  }

  @Test
  void namesTheProgramAndSaysDevelopmentWhenNotRunFromAJar() {
    // The test runs from target/classes: no manifest, so the class name and "development".
    assertThat(ProgramVersion.of(ProgramVersionTest.class))
        .isEqualTo(ProgramVersionTest.class.getName() + " development");
  }
}
