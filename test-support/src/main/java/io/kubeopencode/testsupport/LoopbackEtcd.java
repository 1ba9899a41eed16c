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
 */
final class LoopbackEtcd {
  private LoopbackEtcd() {}

  /** Lays out {@code <dir>/k8s/<version>-linux-amd64/} and returns {@code dir}, kube-api-test's test directory. */
  static Path kubeApiTestDir(KubeBinaries binaries, Path dir) {
    Path versionDir = dir.resolve("k8s").resolve(binaries.directory().getFileName());
    try {
      Files.createDirectories(versionDir);
      for (String binary : new String[] {"kube-apiserver", "kubectl"}) {
        Files.createSymbolicLink(versionDir.resolve(binary), binaries.path(binary));
      }
      // exec: the process kube-api-test starts, watches and stops is etcd itself.
      Files.writeString(versionDir.resolve("etcd"), "#!/usr/bin/env bash\n"
          + "exec '" + binaries.path("etcd") + "' \"${@//http:\\/\\/0.0.0.0:/http://127.0.0.1:}\"\n");
      Files.setPosixFilePermissions(versionDir.resolve("etcd"), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare kube-api-test's binaries directory in " + dir, e);
    }
    return dir;
  }
}
