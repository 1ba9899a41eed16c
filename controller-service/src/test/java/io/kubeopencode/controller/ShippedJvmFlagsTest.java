package io.kubeopencode.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.KubeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every JVM configuration the project ships ends the process on OutOfMemoryError instead of limping on. */
class ShippedJvmFlagsTest {

  @ParameterizedTest
  @ValueSource(strings = {"hack/service-jvm-flags", "context-init-image/src/main/image/jvm-flags",
      "git-init-image/src/main/image/jvm-flags"})
  void exitsOnOutOfMemory(String file) throws Exception {
    Path path = KubeBinaries.projectRoot().resolve(file);

    assertThat(Files.readString(path)).contains("-XX:+ExitOnOutOfMemoryError");
  }
}
