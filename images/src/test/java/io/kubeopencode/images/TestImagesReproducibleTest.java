package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hack/images/test-images.sh twice more, elsewhere and later: the same bytes as the build's own run. */
class TestImagesReproducibleTest {
  private static final List<String> OUTPUTS = List.of(TestImages.PAUSE_TAR, TestImages.AGENT_TAR,
      "kubeopencode-pause.digest", "kubeopencode-test-agent.digest", "bin/pause", "bin/test-agent");

  @TempDir
  Path tmp;

  @Test
  void twoMoreBuildsGiveByteIdenticalBinariesAndTars() throws Exception {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second/somewhere/else");
    TestImages.build(first, tmp.resolve("first.log"));
    TestImages.build(second, tmp.resolve("second.log"));
    for (String output : OUTPUTS) {
      byte[] built = Files.readAllBytes(TestImages.dir().resolve(output));
      assertThat(first.resolve(output)).as(output).hasBinaryContent(built);
      assertThat(second.resolve(output)).as(output).hasBinaryContent(built);
    }
  }
}
