package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kubeopencode.images.AgentRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scripted test agent ({@code images/src/main/c/test-agent.c}) as a real process, every instruction. */
class TestAgentProcessTest {
  @TempDir
  Path tmp;
  Path workspace;
  Map<String, String> env;

  @BeforeEach
  void workspace() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    env = new HashMap<>(Map.of("WORKSPACE_DIR", workspace.toString(), "TASK_NAME", "fix-it"));
  }

  private AgentRun start(String... args) {
    List<String> command = new ArrayList<>(List.of(TestImages.testAgent().toString()));
    command.addAll(List.of(args));
    return AgentRun.start(env, command);
  }

  /** {@code opencode run "<prompt>"}, as the controller's default command calls it. */
  private Result run(String prompt) {
    try (AgentRun agent = start("run", prompt)) {
      return agent.awaitExit();
    }
  }

  @Test
  void printsItsVersion() {
    for (String flag : List.of("-v", "--version")) {
      try (AgentRun agent = start(flag)) {
        Result result = agent.awaitExit();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).singleElement().asString().startsWith("test-agent " + TestImages.version() + " ");
      }
    }
  }

  @Test
  void followsItsInstructionsInOrderAndIgnoresEveryOtherLine() {
    Result result = run("""
        # Fix the flaky test
        Please look at the build.
        log: starting work
        stderr: a warning on stderr
          log: indented lines count, trailing blanks go \t
        Log: capitals are not instructions
        note: unknown keywords are ignored
        logs: so are longer words
        log:no space after the colon is not an instruction
        log:
        log: done
        """);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("test-agent: 5 instructions", "starting work",
        "indented lines count, trailing blanks go", "", "done", "test-agent: done");
    assertThat(result.stderr()).containsExactly("a warning on stderr");
  }

  @Test
  void theArgumentsAfterRunAreThePromptOptionsSkipped() {
    try (AgentRun agent = start("run", "--format", "json", "--model", "m/x", "log: one", "log: two")) {
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
      // opencode joins its message arguments with spaces: one line, so one instruction
      assertThat(result.stdout()).containsExactly("test-agent: 1 instructions", "one log: two", "test-agent: done");
    }
  }

  @Test
  void withoutAPromptItReadsTaskMdOfTheWorkspace() throws IOException {
    Files.writeString(workspace.resolve("task.md"), "Describe the repository.\r\nlog: from task.md\r\n");
    try (AgentRun agent = start("run")) {
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).containsExactly("test-agent: 1 instructions", "from task.md", "test-agent: done");
    }
  }

  @Test
  void writeProducesAFileWhereTheOutputCollectorReadsIt() throws IOException {
    Path outside = tmp.resolve("elsewhere/deep/file.txt");
    Result result = run("""
        Open a pull request and put its URL into .outputs/pr-url (a declared output: path relative to the workspace).
        write: .outputs/pr-url = https://github.com/o/r/pull/7
        write: summary.md = line one\\nline two\\ttabbed \\\\n and \\x stays
        write: empty.txt =
        write: %s = absolute paths are used as they are
        write: summary.md = written twice, the last wins
        """.formatted(outside));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(workspace.resolve(".outputs/pr-url")).hasContent("https://github.com/o/r/pull/7\n");
    assertThat(Files.readString(workspace.resolve("summary.md"))).isEqualTo("written twice, the last wins\n");
    assertThat(workspace.resolve("empty.txt")).hasContent("\n");
    assertThat(outside).hasContent("absolute paths are used as they are\n");
    assertThat(result.stdout()).contains("test-agent: wrote " + workspace.resolve(".outputs/pr-url"),
        "test-agent: wrote " + outside);
  }

  @Test
  void writeUnescapesNewlinesTabsAndBackslashes() throws IOException {
    Result result = run("write: out.txt = a\\nb\\tc \\\\n \\x\n");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(Files.readString(workspace.resolve("out.txt"))).isEqualTo("a\nb\tc \\n \\x\n");
  }

  @Test
  void writeThatCannotBeDoneFailsWithIoError() throws IOException {
    Files.writeString(workspace.resolve("a-file"), "x");
    Result result = run("log: before\nwrite: a-file/below = y\nlog: never\n");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.stdout()).containsExactly("test-agent: 3 instructions", "before");
    assertThat(result.stderrText()).startsWith("IoError: line 2: write: " + workspace.resolve("a-file/below") + ": ");
  }

  @Test
  void envPrintsWhatTheAgentWasGiven() {
    env.put("OPENCODE_PERMISSION", "{\"*\":\"allow\"}");
    env.put("EMPTY", "");
    Result result = run("env: TASK_NAME\nenv: OPENCODE_PERMISSION\nenv: EMPTY\nenv: NOT_GIVEN\n");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("test-agent: 4 instructions", "TASK_NAME=fix-it",
        "OPENCODE_PERMISSION={\"*\":\"allow\"}", "EMPTY=", "NOT_GIVEN is not set", "test-agent: done");
  }

  @Test
  void catPrintsStagedFiles() throws IOException {
    Files.createDirectories(workspace.resolve(".kubeopencode"));
    Files.writeString(workspace.resolve(".kubeopencode/context.md"), "<context name=\"a\">\nhello\n</context>\n");
    Files.writeString(tmp.resolve("no-newline.txt"), "last line without newline");
    Result result = run("cat: .kubeopencode/context.md\ncat: " + tmp.resolve("no-newline.txt") + "\n");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("test-agent: 2 instructions", "<context name=\"a\">", "hello",
        "</context>", "last line without newline", "test-agent: done");
  }

  @Test
  void catOfAMissingFileFailsWithIoError() {
    Result result = run("cat: not-staged.md\nlog: never\n");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.stderrText())
        .isEqualTo("IoError: line 1: cat: " + workspace.resolve("not-staged.md") + ": No such file or directory");
    assertThat(result.stdout()).containsExactly("test-agent: 2 instructions");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 42, 137, 255})
  void exitEndsAtOnceWithThatCode(int code) {
    Result result = run("log: before\nexit: " + code + "\nlog: never\nwrite: never.txt = x\n");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(code);
    assertThat(result.stdout()).containsExactly("test-agent: 4 instructions", "before", "test-agent: exit " + code);
    assertThat(workspace.resolve("never.txt")).doesNotExist();
  }

  @Test
  void sleepAcceptsFractionsAndGoesOn() {
    Result result = run("sleep: 0.05\nsleep: 0\nsleep: 1e-3\nlog: awake\n");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("test-agent: 4 instructions", "awake", "test-agent: done");
  }

  @Test
  void allocMibAllocatesAndTouchesTheMemory() {
    Result result = run("alloc-mib: 64\nalloc-mib: 0\nlog: still here\n");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).containsExactly("test-agent: 3 instructions", "test-agent: allocated and touched 64 MiB",
        "test-agent: allocated and touched 0 MiB", "still here", "test-agent: done");
  }

  @Test
  void allocMibOverTheAddressSpaceLimitFailsWithOutOfMemory() {
    Path prlimit = Path.of("/usr/bin/prlimit");
    // util-linux is an essential Debian package, so this runs on every build machine (0 skipped in every suite run
    // here); a machine without prlimit skips the one case rather than failing for a missing tool.
    assumeThat(prlimit).as("util-linux prlimit").isExecutable();
    try (AgentRun agent = AgentRun.start(env, List.of(prlimit.toString(), "--as=" + (64L << 20), "--",
        TestImages.testAgent().toString(), "run", "alloc-mib: 16\nalloc-mib: 256\nlog: never"))) {
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
      assertThat(result.stdout()).containsExactly("test-agent: 3 instructions",
          "test-agent: allocated and touched 16 MiB");
      assertThat(result.stderrText()).isEqualTo("OutOfMemory: line 2: alloc-mib: could not allocate 256 MiB");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      exit: abc            | exit: 'abc' is not an exit code (0..255)
      exit: 256            | exit: '256' is not an exit code (0..255)
      exit: -1             | exit: '-1' is not an exit code (0..255)
      exit: 1.5            | exit: '1.5' is not an exit code (0..255)
      exit: 0x10           | exit: '0x10' is not an exit code (0..255)
      exit:                | exit: '' is not an exit code (0..255)
      sleep: soon          | sleep: 'soon' is not a number of seconds
      sleep: -1            | sleep: '-1' is not a number of seconds
      sleep: inf           | sleep: 'inf' is not a number of seconds
      sleep: 1s            | sleep: '1s' is not a number of seconds
      ignore-sigterm: nan  | ignore-sigterm: 'nan' is not a number of seconds
      alloc-mib: 1.5       | alloc-mib: '1.5' is not a whole number of MiB (0..1048576)
      alloc-mib: 2000000   | alloc-mib: '2000000' is not a whole number of MiB (0..1048576)
      write: no-equals     | write: 'no-equals' is not '<path> = <content>'
      write:  = content    | write: the path is empty
      env:                 | env: the name is empty
      cat:                 | cat: the path is empty
      """)
  void anInvalidValueIsRefusedBeforeAnythingRuns(String instruction, String message) {
    Result result = run("write: first.txt = x\nlog: first\n" + instruction + "\nlog: after\n");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderrText()).isEqualTo("InvalidInstruction: line 3: " + message);
    assertThat(result.stdout()).isEmpty();
    assertThat(workspace.resolve("first.txt")).doesNotExist();
  }

  @Test
  void wrongUsageIsExit2WithUsageError() {
    for (List<String> args : List.of(List.<String>of(), List.of("serve"), List.of("-v", "extra"))) {
      try (AgentRun agent = start(args.toArray(String[]::new))) {
        Result result = agent.awaitExit();
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderrText()).startsWith("UsageError: usage: opencode run");
      }
    }
  }

  @Test
  void noPromptAndNoTaskMdIsAUsageError() {
    Result result = run("");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderrText()).isEqualTo("UsageError: no prompt given and " + workspace.resolve("task.md")
        + " cannot be read: No such file or directory");

    env.remove("WORKSPACE_DIR");
    result = run("");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderrText()).startsWith("UsageError: no prompt given and WORKSPACE_DIR is not set");
  }

  @Test
  void sigtermEndsItWith143() {
    try (AgentRun agent = start("run", "log: working\nsleep: 600\nlog: never")) {
      agent.awaitStdoutLine("working");
      agent.sigterm();
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(143);
      assertThat(result.stdout()).containsExactly("test-agent: 3 instructions", "working",
          "test-agent: SIGTERM, exit 143");
    }
  }

  @Test
  void ignoreSigtermKeepsItRunningForTheGraceThenExits143() {
    try (AgentRun agent = start("run", "ignore-sigterm: 1\nlog: armed\nsleep: 600\nlog: never")) {
      agent.awaitStdoutLine("armed");
      agent.sigterm();
      agent.awaitStdoutLine("test-agent: SIGTERM, carrying on (ignore-sigterm)");
      agent.signal("TERM"); // a second SIGTERM (if still running) neither ends it nor extends the grace
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(143);
      assertThat(result.stdout()).containsExactly("test-agent: 4 instructions", "armed",
          "test-agent: SIGTERM, carrying on (ignore-sigterm)", "test-agent: grace period over, exit 143");
    }
  }

  @Test
  void ignoreSigtermLetsItFinishItsInstructionsWithinTheGrace(@TempDir Path dir) throws IOException {
    Path go = dir.resolve("go");
    try (AgentRun agent = start("run", "ignore-sigterm: 600\nlog: armed\nwait-file: " + go
        + "\nlog: finished\nexit: 7")) {
      agent.awaitStdoutLine("armed");
      agent.sigterm();
      agent.awaitStdoutLine("test-agent: SIGTERM, carrying on (ignore-sigterm)");
      Files.writeString(go, "");
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(7);
      assertThat(result.stdout()).containsExactly("test-agent: 5 instructions", "armed",
          "test-agent: SIGTERM, carrying on (ignore-sigterm)", "finished", "test-agent: exit 7");
    }
  }

  @Test
  void waitFileWaitsUntilThePathExists(@TempDir Path dir) throws IOException {
    Path go = dir.resolve("go");
    try (AgentRun agent = start("run", "log: waiting\nwait-file: " + go + "\nlog: on")) {
      agent.awaitStdoutLine("waiting");
      assertThat(agent.process().isAlive()).isTrue();
      Files.writeString(go, "");
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).containsExactly("test-agent: 3 instructions", "waiting", "on", "test-agent: done");
    }
  }

  @Test
  void ignoreSigtermZeroEndsAtOnceLikeNoGrace() {
    try (AgentRun agent = start("run", "ignore-sigterm: 0\nlog: armed\nsleep: 600")) {
      agent.awaitStdoutLine("armed");
      agent.sigterm();
      Result result = agent.awaitExit();
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(143);
      assertThat(result.stdout()).endsWith("test-agent: grace period over, exit 143");
    }
  }
}
