package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * kube-api-test starts etcd with {@code --listen-client-urls http://0.0.0.0:<port>} and offers no option to change
 * it. This gives kube-api-test a binaries directory of the cluster's own in which {@code etcd} is a wrapper that
 * rewrites that address to 127.0.0.1 and execs the real etcd (kube-apiserver and kubectl are links to the real
 * ones), so etcd listens on loopback only. kube-api-test also writes the cluster's certificates there.
 *
 * <p>For a real node, kube-apiserver is a wrapper too: kube-api-test always passes
 * {@code --disable-admission-plugins ServiceAccount} (after every flag of ours, and the API server refuses a plugin
 * both enabled and disabled), and without that plugin pods get no ServiceAccount token.
 */
final class LoopbackEtcd {
  private LoopbackEtcd() {}

  /** Lays out {@code <dir>/k8s/<version>-linux-amd64/} and returns {@code dir}, kube-api-test's test directory. */
  static Path kubeApiTestDir(KubeBinaries binaries, Path dir) {
    return kubeApiTestDir(binaries, dir, false);
  }

  /** As {@link #kubeApiTestDir(KubeBinaries, Path)}; {@code serviceAccounts}: with the ServiceAccount admission. */
  static Path kubeApiTestDir(KubeBinaries binaries, Path dir, boolean serviceAccounts) {
    Path versionDir = dir.resolve("k8s").resolve(binaries.directory().getFileName());
    try {
      Files.createDirectories(versionDir);
      Files.createSymbolicLink(versionDir.resolve("kubectl"), binaries.path("kubectl"));
      // exec: the process kube-api-test starts, watches and stops is etcd (kube-apiserver) itself.
      script(versionDir.resolve("etcd"), "exec '" + binaries.path("etcd")
          + "' \"${@//http:\\/\\/0.0.0.0:/http://127.0.0.1:}\"");
      if (serviceAccounts) {
        script(versionDir.resolve("kube-apiserver"), String.join("\n", "args=()", "while (($#)); do",
            "  if [[ $1 == --disable-admission-plugins && ${2:-} == ServiceAccount ]]; then shift 2; continue; fi",
            "  args+=(\"$1\"); shift", "done", "exec '" + binaries.path("kube-apiserver") + "' \"${args[@]}\""));
      } else {
        Files.createSymbolicLink(versionDir.resolve("kube-apiserver"), binaries.path("kube-apiserver"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare kube-api-test's binaries directory in " + dir, e);
    }
    return dir;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
