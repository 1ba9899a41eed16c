package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The control-plane binaries of one pinned Kubernetes version, provisioned (or found in the cache) by
 * {@code hack/kube-binaries.sh}: etcd, kube-apiserver, kubectl, kube-controller-manager, kube-scheduler and kwok.
 *
 * @param directory the version directory, {@code <cache>/k8s/<version>-linux-amd64}, as kube-api-test expects it
 * @param kubernetesVersion e.g. {@code 1.34.4}
 */
public record KubeBinaries(Path directory, String kubernetesVersion) {
  private static final String SCRIPT = "hack/kube-binaries.sh";
  private static KubeBinaries provisioned;

  public Path path(String binary) {
    return directory.resolve(binary);
  }

  /** kube-api-test's root directory (the parent of {@code k8s/}). */
  public Path kubeApiTestDir() {
    return directory.getParent().getParent();
  }

  /** Runs the provisioning script once per JVM (seconds when cached; a cold build can take 20 minutes). */
  public static synchronized KubeBinaries provision() {
    if (provisioned == null) {
      provisioned = runScript(projectRoot().resolve(SCRIPT));
    }
    return provisioned;
  }

  private static KubeBinaries runScript(Path script) {
    try {
      Process process = new ProcessBuilder("bash", script.toString(), "--print-dir")
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int exit = process.waitFor();
      if (exit != 0 || out.isEmpty()) {
        throw new IllegalStateException(SCRIPT + " failed (exit code " + exit + "); its output above says why");
      }
      Path dir = Path.of(out.lines().reduce((first, last) -> last).orElseThrow());
      String name = dir.getFileName().toString();
      return new KubeBinaries(dir, name.substring(0, name.indexOf('-')));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning Kubernetes binaries", e);
    }
  }

  /** The checkout's root: the {@code kubeopencode.root} system property (set by the build), else found upwards. */
  public static Path projectRoot() {
    String configured = System.getProperty("kubeopencode.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SCRIPT))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find " + SCRIPT + " above " + Path.of("").toAbsolutePath()
        + "; set -Dkubeopencode.root=<checkout>");
  }
}
