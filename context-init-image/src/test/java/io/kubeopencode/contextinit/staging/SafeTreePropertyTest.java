package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.contextinit.paths.TargetPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The path-safety guarantee end to end, on a real file system: for random workspaces full of symbolic links
 * (inside, outside, relative, absolute, dangling, looping) and random target paths, nothing outside the workspace
 * is ever created or changed, and every file that was written lies inside it.
 */
class SafeTreePropertyTest {

  /** A symbolic link {@code name} (possibly in a subdirectory) to {@code target}; "$OUT" is the outside dir. */
  record Link(String name, String target) {}

  @Property(tries = 150)
  void nothingOutsideTheWorkspaceIsEverWritten(@ForAll("dirs") List<String> dirs, @ForAll("links") List<Link> links,
      @ForAll("targets") List<String> targets) throws IOException {
    Path world = Files.createTempDirectory("safetree-");
    try {
      Path workspace = Files.createDirectory(world.resolve("ws"));
      Path outside = Files.createDirectory(world.resolve("outside"));
      Files.writeString(outside.resolve("secret"), "s");
      Files.createDirectory(outside.resolve("sub"));
      for (String d : dirs) {
        Files.createDirectories(workspace.resolve(d));
      }
      for (Link l : links) {
        Path link = workspace.resolve(l.name());
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(link.getParent())) {
          continue;
        }
        Files.createSymbolicLink(link, Path.of(l.target().replace("$OUT", outside.toString())
            .replace("$WS", workspace.toString())));
      }
      Map<String, String> outsideBefore = snapshot(world, workspace);

      SafeTree tree = new SafeTree();
      List<Path> written = new ArrayList<>();
      for (String raw : targets) {
        String path = workspace + "/" + raw;
        try {
          TargetPath t = PathRules.target(path, List.of(workspace.toString()), false, "t");
          Path dir = tree.directory(t.parent());
          tree.writeFile(dir, t.name(), 0644, f -> Files.writeString(f, "w"), path);
          written.add(dir.resolve(t.name()));
        } catch (Failure refused) {
          // Refusals are fine; only what happened on disk matters.
        }
      }

      assertThat(snapshot(world, workspace)).isEqualTo(outsideBefore);
      Path workspaceReal = workspace.toRealPath();
      for (Path w : written) {
        assertThat(w.toRealPath().startsWith(workspaceReal)).as("%s", w).isTrue();
        assertThat(Files.readString(w)).isEqualTo("w");
      }
    } finally {
      deleteTree(world);
    }
  }

  @Provide
  Arbitrary<List<String>> dirs() {
    return Arbitraries.of("a", "b", "a/b", "a/c", "b/a").list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Link>> links() {
    Arbitrary<String> names = Arbitraries.of("l1", "l2", "a/l3", "b/l4", "a/b/l5", "x");
    // Absolute targets outside the workspace stay inside the test's own world: the test runs as root, so a bug must
    // never be able to reach the machine's real / or /etc.
    Arbitrary<String> targets = Arbitraries.of("$OUT", "$OUT/sub", "$OUT/secret", "$OUT/missing", "$OUT/etc",
        "$OUT/etc/cron.d",
        "..", "../..", "../outside", "../../outside/sub", "a", "a/b", "$WS", "$WS/a", "l1", "l2", "x", "missing",
        ".", "$WS/../outside");
    return Combinators.combine(names, targets).as(Link::new).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<String>> targets() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "l1", "l2", "l3", "l4", "l5", "x", "sub", "secret",
        "new", "f.txt", "..", ".");
    return segment.list().ofMinSize(1).ofMaxSize(4).map(s -> String.join("/", s)).list().ofMinSize(1)
        .ofMaxSize(6);
  }

  /** Every entry under {@code world} except the workspace's, with a content fingerprint (links not followed). */
  private static Map<String, String> snapshot(Path world, Path workspace) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(world, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (dir.equals(workspace)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        out.put(world.relativize(dir).toString(), "dir");
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        out.put(world.relativize(file).toString(), attrs.isSymbolicLink()
            ? "link:" + Files.readSymbolicLink(file)
            : "file:" + new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
