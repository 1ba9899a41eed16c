package io.kubeopencode.contextinit.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.collector.OutputFile.Missing;
import io.kubeopencode.contextinit.collector.OutputFile.Oversized;
import io.kubeopencode.contextinit.collector.OutputFile.Read;
import io.kubeopencode.contextinit.collector.OutputFile.Refused;
import io.kubeopencode.contextinit.collector.OutputFile.Unusable;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.outputs.TaskOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
  @TempDir
  Path tmp;
  Path workspace;

  @BeforeEach
  void layout() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("ws")).toRealPath();
    Files.writeString(Files.createDirectory(tmp.resolve("outside")).resolve("token"), "service-account-token");
  }

  @Test
  void readsTheValueWithoutSurroundingWhiteSpace() throws IOException {
    Files.createDirectories(workspace.resolve("out"));
    Files.writeString(workspace.resolve("out/pr-url"), "https://example.com/pr/1\n", StandardCharsets.UTF_8);
    Files.writeString(workspace.resolve("out/notes"), "\u00a0 line one\n\tline two \r\n\u3000", StandardCharsets.UTF_8);
    Files.writeString(workspace.resolve("out/exact"), "no white space", StandardCharsets.UTF_8);

    assertThat(OutputFile.read(workspace, "out/pr-url"))
        .isEqualTo(new Read("https://example.com/pr/1", 25, false, true));
    assertThat(OutputFile.read(workspace, "out/notes")).isEqualTo(new Read("line one\n\tline two", 27, false, true));
    assertThat(OutputFile.read(workspace, "out/exact")).isEqualTo(new Read("no white space", 14, false, false));
    assertThat(OutputFile.read(workspace, "./out//pr-url")).isInstanceOf(Read.class);
  }

  /** Go 1.26's unicode.IsSpace, printed for every code point by a Go program: what strings.TrimSpace trims. */
  private static final java.util.Set<Integer> GO_SPACES = java.util.Set.of(0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0,
      0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029,
      0x202F, 0x205F, 0x3000);

  @Test
  void whiteSpaceIsGosForEveryCodePoint() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      assertThat(OutputFile.isGoSpace(cp)).as("U+%04X", cp).isEqualTo(GO_SPACES.contains(cp));
    }
    // Where Java's strip() differs: it trims U+001C..U+001F and keeps the no-break spaces.
    assertThat(OutputFile.trimSpace("\u001f\u00a0x\u2007\u202f")).isEqualTo("\u001f\u00a0x");
    assertThat(OutputFile.trimSpace("\u00a0x\u001c")).isEqualTo("x\u001c");
    assertThat(OutputFile.trimSpace("\u200bx\ufeff")).as("zero-width characters are no space")
        .isEqualTo("\u200bx\ufeff");
    assertThat(OutputFile.trimSpace(" \n\t ")).isEmpty();
    assertThat(OutputFile.trimSpace("\uD83D\uDE80 \uD83D\uDE80")).isEqualTo("\uD83D\uDE80 \uD83D\uDE80");
  }

  @Test
  void aMissingFileOrDanglingLinkIsMissing() throws IOException {
    Files.createSymbolicLink(workspace.resolve("dangling"), tmp.resolve("nothing"));

    assertThat(OutputFile.read(workspace, "nope")).isEqualTo(new Missing());
    assertThat(OutputFile.read(workspace, "dangling")).isEqualTo(new Missing());
  }

  @Test
  void aLinkOutOfTheWorkspaceIsRefused() throws IOException {
    Files.createSymbolicLink(workspace.resolve("token"), tmp.resolve("outside/token"));
    Files.createSymbolicLink(workspace.resolve("up"), Path.of(".."));

    assertThat(OutputFile.read(workspace, "token")).isInstanceOfSatisfying(Refused.class,
        r -> assertThat(r.why()).startsWith("it leads outside the workspace"));
    assertThat(OutputFile.read(workspace, "up/outside/token")).isInstanceOf(Refused.class);
  }

  @Test
  void lexicallyEscapingPathsAreRefused() {
    assertThat(OutputFile.read(workspace, "../outside/token")).isInstanceOfSatisfying(Refused.class,
        r -> assertThat(r.why()).isEqualTo("path '../outside/token' contains a '..' segment"));
    assertThat(OutputFile.read(workspace, "/etc/hostname")).isInstanceOf(Refused.class);
    assertThat(OutputFile.read(workspace, "")).isInstanceOf(Refused.class);
  }

  @Test
  void aLinkInsideTheWorkspaceIsFollowed() throws IOException {
    Files.writeString(workspace.resolve("real"), "v");
    Files.createSymbolicLink(workspace.resolve("alias"), Path.of("real"));

    assertThat(OutputFile.read(workspace, "alias")).isEqualTo(new Read("v", 1, false, false));
  }

  @Test
  void directoriesAreUnusable() throws IOException {
    Files.createDirectories(workspace.resolve("dir"));

    assertThat(OutputFile.read(workspace, "dir")).isEqualTo(new Unusable("it is a directory"));
  }

  @Test
  void invalidUtf8IsReplacedAndSaidSo() throws IOException {
    Files.write(workspace.resolve("bin"), new byte[] {'o', 'k', (byte) 0xff});

    assertThat(OutputFile.read(workspace, "bin")).isEqualTo(new Read("ok\uFFFD", 3, true, false));
  }

  @Test
  void aFileLargerThanEverDeliverableIsOversizedAndEndsUpInTooLarge() throws IOException {
    Files.write(workspace.resolve("huge"), new byte[OutputFile.READ_LIMIT + 10]);
    Files.write(workspace.resolve("limit"), "z".repeat(OutputFile.READ_LIMIT).getBytes(StandardCharsets.UTF_8));

    assertThat(OutputFile.read(workspace, "huge")).isEqualTo(new Oversized(OutputFile.READ_LIMIT + 10));
    assertThat(OutputFile.read(workspace, "limit")).isInstanceOf(Read.class);
    // The stand-in is never delivered, whatever else is in the message.
    Map<String, String> values = new LinkedHashMap<>();
    values.put("small", "s");
    values.put("huge", OutputFile.undeliverable());
    TaskOutputs decoded = OutputsCodec.decode(OutputsCodec.encode(values, 4096));
    assertThat(decoded.parameters()).containsExactly(Map.entry("small", "s"));
    assertThat(decoded.tooLarge()).containsExactly("huge");
  }
}
