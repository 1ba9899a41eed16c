package io.kubeopencode.testsupport;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The real node's images: tars imported into its containerd's {@code k8s.io} namespace, each once, under the names
 * the CRI plugin looks them up by. Nothing is ever pulled: there is no registry.
 */
final class NodeImages {
  private final Containerd containerd;
  private final Set<Path> imported = new HashSet<>();

  NodeImages(Containerd containerd) {
    this.containerd = containerd;
  }

  /**
   * Imports the tars not imported yet, then the sandbox image if no tar had it (built from this checkout: there is
   * no registry to pull it from).
   */
  synchronized void importAll(List<Path> tars) {
    for (Path tar : tars) {
      Path key = tar.toAbsolutePath().normalize();
      if (imported.add(key)) {
        importImage(key);
      }
    }
    String sandbox = normalizedReference(Containerd.DEFAULT_SANDBOX_IMAGE);
    if (!containerd.ctr("images", "ls", "-q").requireSuccess().lines().toList().contains(sandbox)) {
      Path pause = TestImageTars.build().pause();
      imported.add(pause);
      importImage(pause);
    }
  }

  /**
   * ctr stores an image under the name in its tar ({@code kubeopencode/pause:1}), the CRI plugin looks it up by the
   * normalised name ({@code docker.io/kubeopencode/pause:1}) and would try to pull it: tagged so.
   */
  private void importImage(Path tar) {
    for (String reference : containerd.importImage(tar)) {
      String normalized = normalizedReference(reference);
      if (!normalized.equals(reference)) {
        containerd.ctr("images", "tag", "--force", reference, normalized).requireSuccess();
      }
    }
  }

  /** Docker's rule: no registry host in the first component means docker.io, and a single component library/. */
  static String normalizedReference(String reference) {
    int slash = reference.indexOf('/');
    String first = slash < 0 ? "" : reference.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      return reference;
    }
    return "docker.io/" + (slash < 0 ? "library/" : "") + reference;
  }
}
