package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.testing.KubeletConfigMapVolume;
import io.kubeopencode.contextinit.testing.LocalHttpServer;
import io.kubeopencode.contextinit.testing.RoleProcess;
import io.kubeopencode.contextinit.testing.RoleProcess.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** context-init as a real process: a kubelet-like ConfigMap volume, a real workspace, a real HTTP server. */
class ContextInitProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "tok-9f8e7d6c5b4a";
  private static final String PASSWORD = "pw-1a2b3c4d5e";

  @TempDir
  Path tmp;
  Path workspace;
  Path configMap;
  Path terminationLog;
  Path outside;
  LocalHttpServer server;

  @BeforeEach
  void layout() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    terminationLog = tmp.resolve("termination-log");
    Map<String, String> items = new LinkedHashMap<>();
    items.put("task.md", "Fix the flaky test.\n");
    items.put("context.md", "<context name=\"a\" type=\"Text\">\nhi\n</context>\n");
    items.put("file-2", "{\"debug\":true}");
    items.put("dirs/3/guide.md", "# Guide\n");
    items.put("dirs/3/notes.txt", "notes");
    configMap = KubeletConfigMapVolume.create(Files.createDirectory(tmp.resolve("context")), items);
    server = LocalHttpServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("WORKSPACE_DIR", workspace.toString());
    env.put("CONFIGMAP_PATH", configMap.toString());
    env.put("TERMINATION_LOG_PATH", terminationLog.toString());
    env.put("TASK_NAME", "fix-flaky");
    env.put("TASK_NAMESPACE", "team-a");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    return RoleProcess.run(tmp.resolve("logs"), env, TIMEOUT, args.length == 0 ? new String[] {"context-init"}
        : args);
  }

  private String fileMapping(String key, String target, int mode) {
    return "{\"key\":\"" + key + "\",\"targetPath\":\"" + target + "\",\"fileMode\":" + mode + "}";
  }

  private String url(String source, String target, boolean optional, String authPrefix) {
    return "{\"source\":\"" + source + "\",\"targetPath\":\"" + target + "\",\"headers\":{\"X-Team\":\"a\"},"
        + "\"timeoutSeconds\":5,\"insecureSkipTLSVerify\":false,\"optional\":" + optional + ",\"authEnvPrefix\":"
        + (authPrefix == null ? "null" : "\"" + authPrefix + "\"") + "}";
  }

  @Test
  void stagesFilesDirectoriesAndUrlsLikeThePodDoes() throws Exception {
    server.onText("/spec.yaml", "openapi: 3.1.0\n")
        .onRedirect("/moved", 302, "/notes")
        .onText("/notes", "remote notes");
    Path home = Files.createDirectory(tmp.resolve("home"));
    int closedPort = closedPort();
    String files = "[" + String.join(",",
        fileMapping("task.md", workspace + "/task.md", 0644),
        fileMapping("context.md", workspace + "/.kubeopencode/context.md", 0644),
        fileMapping("file-2", workspace + "/config/settings.json", 0600),
        fileMapping("file-2", home + "/.config/tool/settings.json", 0640)) + "]";
    String dirs = "[{\"sourcePath\":\"" + configMap + "/dirs/3\",\"targetPath\":\"" + workspace + "/docs/guide\"}]";
    String urls = "[" + String.join(",",
        url(server.url("/spec.yaml"), workspace + "/specs/api.yaml", false, "URL_0"),
        url("http://127.0.0.1:" + closedPort + "/gone", workspace + "/.kubeopencode/url/1", true, null),
        url(server.url("/moved"), workspace + "/remote/notes.txt", false, "URL_2")) + "]";

    Result result = run(env("FILE_MAPPINGS", files, "DIR_MAPPINGS", dirs, "URL_CONTEXTS", urls,
        "ALLOWED_ROOTS", home.toString(),
        "URL_0_TOKEN", TOKEN + "\n", "URL_2_USERNAME", "bot", "URL_2_PASSWORD", PASSWORD));

    assertThat(result.exitCode()).as(result.output()).isZero();
    // The owner's permissions for everyone: the agent runs under another uid (see Modes.forAnyUser).
    assertFile(workspace.resolve("task.md"), "Fix the flaky test.\n", "rw-rw-rw-");
    assertFile(workspace.resolve(".kubeopencode/context.md"), "<context name=\"a\" type=\"Text\">\nhi\n</context>\n",
        "rw-rw-rw-");
    assertFile(workspace.resolve("config/settings.json"), "{\"debug\":true}", "rw-rw-rw-");
    assertFile(home.resolve(".config/tool/settings.json"), "{\"debug\":true}", "rw-rw-rw-");
    assertFile(workspace.resolve("docs/guide/guide.md"), "# Guide\n", "rw-rw-rw-");
    assertFile(workspace.resolve("docs/guide/notes.txt"), "notes", "rw-rw-rw-");
    assertFile(workspace.resolve("specs/api.yaml"), "openapi: 3.1.0\n", "rw-rw-rw-");
    assertFile(workspace.resolve("remote/notes.txt"), "remote notes", "rw-rw-rw-");
    assertThat(mode(workspace.resolve("docs/guide"))).isEqualTo("rwxrwxrwx");
    assertThat(mode(workspace.resolve(".kubeopencode"))).isEqualTo("rwxrwxrwx");
    assertThat(Files.exists(workspace.resolve(".kubeopencode/url/1"))).isFalse();
    // Exactly these entries: no ..data internals, no temporary files.
    assertThat(tree(workspace)).containsExactly(".kubeopencode", ".kubeopencode/context.md", "config",
        "config/settings.json", "docs", "docs/guide", "docs/guide/guide.md", "docs/guide/notes.txt", "remote",
        "remote/notes.txt", "specs", "specs/api.yaml", "task.md");

    assertThat(server.requests("/spec.yaml").get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(server.requests("/spec.yaml").get(0).header("X-Team")).isEqualTo("a");
    String basic = Base64.getEncoder().encodeToString(("bot:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(server.requests("/notes").get(0).header("Authorization")).isEqualTo("Basic " + basic);

    assertThat(result.stdout())
        .contains("context-init: staging 4 files, 1 directories and 3 URLs into " + workspace
            + " for Task team-a/fix-flaky")
        .contains("context-init: wrote " + workspace + "/config/settings.json (14 bytes, mode 0666 for fileMode 0600)"
            + " from key file-2")
        .contains("context-init: copied 2 files from " + configMap + "/dirs/3 to " + workspace + "/docs/guide")
        .contains("context-init: fetching URL context 0 from " + server.url("/spec.yaml")
            + " (timeout 5s, bearer credentials, headers X-Team)")
        .contains("context-init: optional URL context skipped: UrlUnreachable: URL context 1: http://127.0.0.1:"
            + closedPort + "/gone: cannot connect")
        .contains("context-init: done");
    assertThat(result.output()).doesNotContain(TOKEN).doesNotContain(PASSWORD).doesNotContain(basic);
    assertThat(Files.exists(terminationLog)).isFalse();
  }

  @Test
  void aMissingKeyFailsWithOneLineAndWritesNothing() throws Exception {
    String files = "[" + fileMapping("task.md", workspace + "/task.md", 0644) + ","
        + fileMapping("file-9", workspace + "/docs/x.md", 0644) + "]";

    Result result = run(env("FILE_MAPPINGS", files));

    assertThat(result.exitCode()).isEqualTo(1);
    String message = "MissingKey: key 'file-9' (for " + workspace + "/docs/x.md) is not in the context ConfigMap "
        + "mounted at " + configMap;
    assertThat(Files.readString(terminationLog)).isEqualTo(message);
    assertThat(result.stderr()).isEqualTo("context-init: " + message + "\n");
    assertThat(tree(workspace)).isEmpty();
  }

  @Test
  void aTargetOutsideTheWorkspaceIsRefusedBeforeAnythingIsWritten() throws Exception {
    String files = "[" + fileMapping("task.md", workspace + "/task.md", 0644) + ","
        + fileMapping("file-2", workspace + "/../outside/evil", 0644) + "]";

    Result result = run(env("FILE_MAPPINGS", files));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(terminationLog)).isEqualTo("PathRefused: FILE_MAPPINGS[1] targetPath '" + workspace
        + "/../outside/evil' contains a '..' segment");
    assertThat(tree(workspace)).isEmpty();
    assertThat(tree(outside)).isEmpty();
  }

  @Test
  void aSymlinkInTheWorkspacePointingOutIsRefusedAndNothingIsWrittenThere() throws Exception {
    Files.createSymbolicLink(workspace.resolve("link"), outside);
    String dirs = "[{\"sourcePath\":\"dirs/3\",\"targetPath\":\"" + workspace + "/link/docs\"}]";

    Result result = run(env("DIR_MAPPINGS", dirs));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(terminationLog)).startsWith("PathRefused: target '" + workspace + "/link/docs' goes "
        + "through a symbolic link that points outside its root");
    assertThat(tree(outside)).isEmpty();
  }

  @Test
  void aRequiredUrlThatFailsFailsTheContainer() throws Exception {
    server.on("/missing", exchange -> LocalHttpServer.respond(exchange, 404, "no"));
    String urls = "[" + url(server.url("/missing?sig=abc"), workspace + "/a.txt", false, "URL_0") + "]";

    Result result = run(env("URL_CONTEXTS", urls, "URL_0_TOKEN", TOKEN));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(terminationLog)).isEqualTo("UrlHttpStatus: URL context 0: HTTP 404 from "
        + server.url("/missing") + "?...");
    assertThat(result.output()).doesNotContain(TOKEN).doesNotContain("sig=abc");
    assertThat(tree(workspace)).isEmpty();
  }

  @Test
  void aDownloadOverTheLimitLeavesNoFile() throws Exception {
    server.onText("/big", "b".repeat(5000));
    Files.writeString(workspace.resolve("keep.txt"), "previous");
    String urls = "[" + url(server.url("/big"), workspace + "/keep.txt", false, null) + "]";

    Result result = run(env("URL_CONTEXTS", urls, "URL_MAX_BYTES", "4096"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(terminationLog)).isEqualTo("UrlTooLarge: URL context 0: " + server.url("/big")
        + " declares 5000 bytes, over the limit of 4096 (URL_MAX_BYTES)");
    assertThat(tree(workspace)).containsExactly("keep.txt");
    assertThat(Files.readString(workspace.resolve("keep.txt"))).isEqualTo("previous");
  }

  @Test
  void anEmptyConfigMapDirectoryBecomesAnEmptyDirectory() throws Exception {
    String dirs = "[{\"sourcePath\":\"" + configMap + "/dirs/7\",\"targetPath\":\"" + workspace + "/empty\"}]";

    Result result = run(env("DIR_MAPPINGS", dirs));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(tree(workspace)).containsExactly("empty");
    assertThat(result.stdout()).contains("created empty directory " + workspace + "/empty");
  }

  @Test
  void aMalformedVariableExitsWithThree() throws Exception {
    Result result = run(env("FILE_MAPPINGS", "[{\"key\":\"task.md\"}]"));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(Files.readString(terminationLog))
        .isEqualTo("InvalidConfig: FILE_MAPPINGS[0]: required field 'targetPath' is missing");
  }

  @Test
  void anUnknownOrMissingRoleIsAUsageError() throws Exception {
    Result unknown = run(env(), "git-init");
    Result missing = RoleProcess.run(tmp.resolve("logs"), env(), TIMEOUT);

    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).isEqualTo("kubeopencode-context-init: usage: first argument must be the role, "
        + "context-init or output-collector, got 'git-init'\n");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("got none");
    assertThat(Files.readString(terminationLog)).startsWith("usage: first argument must be the role");
  }

  private static void assertFile(Path file, String content, String mode) throws IOException {
    assertThat(Files.isSymbolicLink(file)).isFalse();
    assertThat(Files.readString(file)).isEqualTo(content);
    assertThat(mode(file)).as("mode of %s", file).isEqualTo(mode);
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  /** Every entry below {@code root}, relative, sorted; links not followed. */
  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
