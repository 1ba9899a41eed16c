package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.NS;
import static io.kubeopencode.controller.Fixtures.spec;
import static io.kubeopencode.controller.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskNamesTest {

  @Test
  void runIsNamedAfterTheTask() {
    assertThat(TaskNames.runName(task("fix-bug", spec("x", List.of(), List.of())), NS)).isEqualTo("fix-bug");
  }

  @Test
  void crossNamespaceRunIsPrefixedWithTheTasksNamespace() {
    assertThat(TaskNames.runName(task("fix-bug", spec("x", List.of(), List.of())), "agents"))
        .isEqualTo(NS + "-fix-bug");
  }

  @Test
  void longNamesAreShortenedDeterministicallyAndStayDistinct() {
    String a = "a".repeat(100) + "-one";
    String b = "a".repeat(100) + "-two";
    String jobA = TaskNames.runName(task(a, spec("x", List.of(), List.of())), NS);
    String jobB = TaskNames.runName(task(b, spec("x", List.of(), List.of())), NS);

    assertThat(jobA).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(jobA).isEqualTo(TaskNames.runName(task(a, spec("y", List.of(), List.of())), NS));
    assertThat(jobA).isNotEqualTo(jobB);
    assertThat(TaskNames.contextConfigMapName(jobA)).isEqualTo(jobA + "-context");
  }

  @Test
  void aNameOfExactly63CharactersIsKept() {
    String name = "b".repeat(63);
    assertThat(TaskNames.runName(task(name, spec("x", List.of(), List.of())), NS)).isEqualTo(name);
  }

  @Test
  void podsAreNamedPerAttemptAndTheAttemptIsReadBack() {
    assertThat(TaskNames.podName("fix", 0)).isEqualTo("fix-pod");
    assertThat(TaskNames.podName("fix", 3)).isEqualTo("fix-pod-3");
    assertThat(TaskNames.attemptOf("fix", "fix-pod")).isZero();
    assertThat(TaskNames.attemptOf("fix", "fix-pod-3")).isEqualTo(3);
    for (String other : List.of("fix", "fix-pod-", "fix-pod-0", "fix-pod-x", "fix-pod-pod", "fixer-pod", "fix-pod-1a")) {
      assertThat(TaskNames.attemptOf("fix", other)).as(other).isEqualTo(-1);
    }
  }
}
