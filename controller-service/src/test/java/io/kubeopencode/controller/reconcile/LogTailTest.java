package io.kubeopencode.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogTailTest {
  @Test
  void keepsTheLastFiftyLines() {
    String log = IntStream.rangeClosed(1, 80).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n";

    String tail = LogTail.bound(log);

    assertThat(tail.lines()).hasSize(50).first().isEqualTo("line 31");
    assertThat(tail).endsWith("line 80\n");
  }

  @Test
  void staysWithinFourKilobytesCuttingAtLines() {
    String log = IntStream.rangeClosed(1, 40).mapToObj(i -> i + " " + "é".repeat(200))
        .collect(Collectors.joining("\n"));

    String tail = LogTail.bound(log);

    assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(tail.lines().toList().getLast()).startsWith("40 ");
    assertThat(tail.lines()).as("whole lines only").allMatch(l -> l.matches("\\d+ é{200}"));
  }

  @Test
  void aSingleHugeLineKeepsItsEnd() {
    String tail = LogTail.bound("x".repeat(10_000) + "THE END");

    assertThat(tail).startsWith("…").endsWith("THE END\n");
    assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogTail.MAX_BYTES);
  }

  @Test
  void noLogNoTail() {
    assertThat(LogTail.bound(null)).isNull();
    assertThat(LogTail.bound("")).isNull();
  }
}
