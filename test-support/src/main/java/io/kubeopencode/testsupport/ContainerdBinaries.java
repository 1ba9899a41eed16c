package io.kubeopencode.testsupport;

import io.kubeopencode.testsupport.ContainerdUnavailableException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * containerd, ctr, the runc shim and runc (Debian's packages) and a static busybox for test images, provisioned by
 * {@code hack/containerd.sh} (installed once; a check of seconds afterwards).
 */
public record ContainerdBinaries(Path containerd, Path ctr, Path shim, Path runc, Path busybox,
    String containerdVersion, String runcVersion) {
  private static final String SCRIPT = "hack/containerd.sh";
  private static ContainerdBinaries provisioned;

  /** Runs the provisioning script once per JVM; fails with {@link Reason#BINARIES_MISSING} and the script's words. */
  public static synchronized ContainerdBinaries provision() {
    if (provisioned == null) {
      provisioned = runScript(KubeBinaries.projectRoot().resolve(SCRIPT));
    }
    return provisioned;
  }

  private static ContainerdBinaries runScript(Path script) {
    Path errors = null;
    try {
      errors = Files.createTempFile("kubeopencode-containerd-sh", ".log");
      Process process = new ProcessBuilder("bash", script.toString(), "--print-paths")
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectError(errors.toFile())
          .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      String err = Files.readString(errors);
      if (!err.isBlank()) {
        System.err.print(err); // what it installed or downloaded, as the build's other provisioning prints it
      }
      if (exit != 0) {
        throw new ContainerdUnavailableException(Reason.BINARIES_MISSING,
            SCRIPT + " failed (exit code " + exit + "): " + tail(err, 15));
      }
      return parse(out);
    } catch (IOException e) {
      throw new ContainerdUnavailableException(Reason.BINARIES_MISSING, "cannot run " + script + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning containerd", e);
    } finally {
      if (errors != null) {
        errors.toFile().delete();
      }
    }
  }

  /** Reads the script's {@code NAME=VALUE} lines; every binary must be an executable file. */
  static ContainerdBinaries parse(String output) {
    Map<String, String> values = new HashMap<>();
    output.lines().map(String::strip).filter(l -> l.contains("=")).forEach(l -> {
      int eq = l.indexOf('=');
      values.put(l.substring(0, eq), l.substring(eq + 1));
    });
    for (String name : List.of("containerd", "ctr", "containerd-shim-runc-v2", "runc", "busybox")) {
      String value = values.get(name);
      if (value == null || !Files.isExecutable(Path.of(value))) {
        throw new ContainerdUnavailableException(Reason.BINARIES_MISSING,
            SCRIPT + " named no executable " + name + " (got " + value + "); its output:\n" + output);
      }
    }
    return new ContainerdBinaries(Path.of(values.get("containerd")), Path.of(values.get("ctr")),
        Path.of(values.get("containerd-shim-runc-v2")), Path.of(values.get("runc")), Path.of(values.get("busybox")),
        values.getOrDefault("containerd-version", "unknown"), values.getOrDefault("runc-version", "unknown"));
  }

  private static String tail(String text, int lines) {
    List<String> all = text.strip().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
