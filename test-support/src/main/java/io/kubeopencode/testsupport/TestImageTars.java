package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The test images of docs/test-images.md, built by {@code hack/images/test-images.sh} (static C programs and
 * busybox: seconds) with this build's version, once per JVM, into a temporary directory deleted at exit. The real
 * node imports the pause image from here when no tar given to it has the sandbox image.
 *
 * @param pause {@code kubeopencode/pause:<version>}, {@link Containerd#DEFAULT_SANDBOX_IMAGE}
 * @param testAgent {@code kubeopencode/test-agent:<version>}: the scripted agent plus busybox (sh, nslookup, wget)
 */
public record TestImageTars(Path pause, Path testAgent) {
  private static final String SCRIPT = "hack/images/test-images.sh";
  private static TestImageTars built;

  /** The test agent image's name, as a pod's {@code image} ({@code imagePullPolicy: Never}). */
  public static String testAgentImage() {
    return "kubeopencode/test-agent:" + ContainerdConfig.projectVersion();
  }

  public static synchronized TestImageTars build() {
    if (built == null) {
      try {
        Path dir = Files.createTempDirectory("kubeopencode-test-images");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ContainerdTeardown.deleteRecursively(dir, new java.util.ArrayList<>()),
            "test-images-cleanup"));
        Path script = KubeBinaries.projectRoot().resolve(SCRIPT);
        CommandResult result = ChildProcesses.runToEnd(new ProcessBuilder(List.of("bash", script.toString(),
            "--version", ContainerdConfig.projectVersion(), dir.toString())), Duration.ofMinutes(10), SCRIPT);
        if (result.exitCode() != 0) {
          throw new IllegalStateException(SCRIPT + " failed (exit code " + result.exitCode() + "): "
              + ChildProcesses.tail(result.stderr()));
        }
        built = new TestImageTars(dir.resolve("kubeopencode-pause.tar"), dir.resolve("kubeopencode-test-agent.tar"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return built;
  }
}
