package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.testing.KubeletConfigMapVolume;
import io.kubeopencode.contextinit.testing.LocalHttpServer;
import io.kubeopencode.contextinit.testing.RoleProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runs under another uid than context-init, often root without capabilities (which cannot bypass file
 * permissions either): as uid 4321 with every capability dropped, it must be able to edit every file staged, and
 * read-only (fileMode 0444) stays read-only. Needs root and setpriv, as the build machines have.
 */
class AgentUidProcessTest {
  @TempDir
  Path tmp;

  @Test
  void anAgentUnderAnotherUidCanEditWhatItMayEdit() throws Exception {
    // Becoming another uid needs root and setpriv (util-linux): true on the project's machines and CI, where this
    // runs; a developer's unprivileged box skips it rather than fail for a reason unrelated to the code.
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && isRoot(), "needs root and setpriv");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path workspace = Files.createDirectory(tmp.resolve("workspace"));
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx")); // an emptyDir
    Path configMap = KubeletConfigMapVolume.create(Files.createDirectory(tmp.resolve("context")),
        Map.of("task.md", "Fix it.\n", "dirs/3/guide.md", "# Guide\n"));
    try (LocalHttpServer server = LocalHttpServer.http().onText("/spec.yaml", "openapi: 3.1.0\n")) {
      String files = "[" + String.join(",", file("task.md", workspace + "/task.md", 0644),
          file("task.md", workspace + "/secret.json", 0600), file("task.md", workspace + "/frozen.md", 0444),
          file("task.md", workspace + "/bin/run.sh", 0755)) + "]";
      Map<String, String> env = Map.of("WORKSPACE_DIR", workspace.toString(), "CONFIGMAP_PATH", configMap.toString(),
          "TERMINATION_LOG_PATH", tmp.resolve("termination-log").toString(), "FILE_MAPPINGS", files,
          "DIR_MAPPINGS", "[{\"sourcePath\":\"dirs/3\",\"targetPath\":\"" + workspace + "/docs\"}]",
          "URL_CONTEXTS", "[{\"source\":\"" + server.url("/spec.yaml") + "\",\"targetPath\":\"" + workspace
              + "/specs/api.yaml\"}]");
      RoleProcess.Result result = RoleProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), "context-init");
      assertThat(result.exitCode()).as(result.output()).isZero();
    }

    for (String path : List.of("task.md", "secret.json", "docs/guide.md", "specs/api.yaml", "bin/run.sh")) {
      assertThat(asAgent("echo edited >> " + workspace.resolve(path))).as("append to %s", path).isZero();
    }
    assertThat(asAgent("test -x " + workspace.resolve("bin/run.sh"))).isZero();
    assertThat(asAgent("echo edited >> " + workspace.resolve("frozen.md"))).as("fileMode 0444").isNotZero();
    assertThat(asAgent("touch " + workspace.resolve("docs/new.md"))).as("create in a copied directory").isZero();
  }

  private static String file(String key, String target, int mode) {
    return "{\"key\":\"" + key + "\",\"targetPath\":\"" + target + "\",\"fileMode\":" + mode + "}";
  }

  private static boolean isRoot() throws Exception {
    return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
  }

  /** Runs {@code sh -c script} as uid 4321, all capabilities dropped; returns its exit code. */
  private static int asAgent(String script) throws Exception {
    Process p = new ProcessBuilder("setpriv", "--reuid=4321", "--regid=4321", "--clear-groups", "--inh-caps=-all",
        "--bounding-set=-all", "sh", "-c", script).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
