package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.NS;
import static io.kubeopencode.controller.Fixtures.spec;
import static io.kubeopencode.controller.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskNamesTest {

  @Test
  void jobIsNamedAfterTheTask() {
    assertThat(TaskNames.jobName(task("fix-bug", spec("x", List.of(), List.of())), NS)).isEqualTo("fix-bug");
  }

  @Test
  void crossNamespaceJobIsPrefixedWithTheTasksNamespace() {
    assertThat(TaskNames.jobName(task("fix-bug", spec("x", List.of(), List.of())), "agents"))
        .isEqualTo(NS + "-fix-bug");
  }

  @Test
  void longNamesAreShortenedDeterministicallyAndStayDistinct() {
    String a = "a".repeat(100) + "-one";
    String b = "a".repeat(100) + "-two";
    String jobA = TaskNames.jobName(task(a, spec("x", List.of(), List.of())), NS);
    String jobB = TaskNames.jobName(task(b, spec("x", List.of(), List.of())), NS);

    assertThat(jobA).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(jobA).isEqualTo(TaskNames.jobName(task(a, spec("y", List.of(), List.of())), NS));
    assertThat(jobA).isNotEqualTo(jobB);
    assertThat(TaskNames.contextConfigMapName(jobA)).isEqualTo(jobA + "-context");
  }

  @Test
  void aNameOfExactly63CharactersIsKept() {
    String name = "b".repeat(63);
    assertThat(TaskNames.jobName(task(name, spec("x", List.of(), List.of())), NS)).isEqualTo(name);
  }
}
