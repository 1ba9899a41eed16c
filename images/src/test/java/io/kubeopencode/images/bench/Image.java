package io.kubeopencode.images.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** An image and how its run is measured. */
enum Image {
  CONTROLLER("controller", "controller-service", Kind.SERVICE),
  CLEANUP("cleanup", "cleanup-service", Kind.SERVICE),
  GIT_INIT("git-init", "git-init-image", Kind.INIT),
  CONTEXT_INIT("context-init", "context-init-image", Kind.INIT),
  PAUSE("pause -v", "images", Kind.BASELINE);

  /** The images that run a JVM, in the order they are measured and reported. */
  static final List<Image> JVM_IMAGES = List.of(CONTROLLER, CLEANUP, GIT_INIT, CONTEXT_INIT);

  // The chart's memory limits.
  private static final long SERVICE_LIMIT = 256L << 20;
  private static final long INIT_LIMIT = 128L << 20;

  /** Services run until ready, init programs until they exit; the baseline is containerd, runc and ctr alone. */
  enum Kind { SERVICE, INIT, BASELINE }

  final String label;
  final String module;
  final Kind kind;

  Image(String label, String module, Kind kind) {
    this.label = label;
    this.module = module;
    this.kind = kind;
  }

  /** Jib's tar (the one .tar in target/ with a .digest beside it); the pause image's from test-images. */
  Path tar(Path root) {
    if (kind == Kind.BASELINE) {
      return root.resolve("images/target/test-images/kubeopencode-pause.tar");
    }
    Path target = root.resolve(module).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      List<Path> tars = files.filter(p -> p.getFileName().toString().endsWith(".tar"))
          .filter(p -> Files.exists(target.resolve(p.getFileName().toString().replaceFirst("\\.tar$",
              ".digest")))).toList();
      if (tars.size() != 1) {
        throw new IllegalStateException("expected one image tar (with its .digest) in " + target + ", found "
            + tars + "; build with ./mvnw -pl images -am package -DskipTests");
      }
      return tars.getFirst();
    } catch (IOException e) {
      throw new UncheckedIOException("no " + target + ": build the images first", e);
    }
  }

  long memoryLimit() {
    return kind == Kind.SERVICE ? SERVICE_LIMIT : INIT_LIMIT;
  }
}
