package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Puts the host back as it was before a private containerd ran, once its containers are removed and containerd
 * has stopped: ends its shims and any container process left, unmounts what is mounted under its work directory,
 * removes the cgroups and the {@link Containerd#SHIM_SOCKET_ROOT} it created, and deletes its state. Created before
 * containerd starts, it remembers what was there before (top-level cgroups, the shim socket root), so it removes
 * only what containerd added.
 */
final class ContainerdTeardown {
  /** Containerd's: the teardown is the end of {@link Containerd#close()}. */
  private static final System.Logger LOG = System.getLogger(Containerd.class.getName());

  private final Path workDir;
  private final Path socket;
  private final List<Path> stateDirs;
  private final List<Path> socketFiles;
  /** Top-level directory names in each cgroup hierarchy before start: what close() must not remove. */
  private final Map<Path, Set<String>> cgroupsBefore;
  private final boolean shimSocketRootExisted;
  /** Top-level cgroups whose processes are all ours, killed at close: containers', and a kubelet's pods'. */
  private final Set<String> ownedCgroupParents = ConcurrentHashMap.newKeySet();

  /** Takes the snapshot of the host, after removing a crashed run's empty cgroups (they are no host's). */
  ContainerdTeardown(ContainerdConfig config) {
    this.workDir = config.workDir();
    this.socket = config.socket();
    this.stateDirs = config.stateDirs();
    this.socketFiles = List.of(config.socket(), config.ttrpcSocket());
    removeEmptyCgroups(Map.of(), List.of(Containerd.CGROUP_PARENT));
    this.cgroupsBefore = topLevelCgroups();
    this.shimSocketRootExisted = Files.exists(Containerd.SHIM_SOCKET_ROOT);
    ownedCgroupParents.add(Containerd.CGROUP_PARENT);
  }

  /** Also a parent whose processes close() kills and whose cgroups it removes (a kubelet's cgroupRoot). */
  void ownCgroupParent(String name) {
    ownedCgroupParents.add(name);
  }

  Set<String> ownedCgroupParents() {
    return Set.copyOf(ownedCgroupParents);
  }

  /**
   * Restores the host, recording in {@code problems} what it could not. {@code cgroupNames}: the top-level cgroups
   * containerd may have created in each hierarchy (those that were there before stay).
   */
  void restoreHost(List<String> cgroupNames, List<String> problems) {
    step(problems, "ending shims", () -> endShims(problems));
    step(problems, "ending container processes", () -> killCgroupMembers(ownedCgroupParents, problems));
    step(problems, "unmounting", () -> {
      for (Path mount : HostState.mountsUnder(workDir)) {
        unmount(mount, problems);
      }
    });
    step(problems, "removing cgroups", () -> removeCgroups(cgroupNames, problems));
    step(problems, "removing " + Containerd.SHIM_SOCKET_ROOT, () -> {
      if (!shimSocketRootExisted) {
        removeEmptyTree(Containerd.SHIM_SOCKET_ROOT, problems);
      }
    });
    step(problems, "deleting its state", () -> deleteState(problems));
  }

  /** Runs one step of a teardown: a failure is recorded, never a reason to skip the steps after it. */
  static void step(List<String> problems, String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      problems.add(what + " failed: " + e);
    }
  }

  /** Shims reparent to init, so they are no descendants: found by their {@code -address <our socket>} argument. */
  private void endShims(List<String> problems) {
    List<ProcessHandle> shims = HostState.processesWithArgument(socket.toString());
    for (ProcessHandle shim : shims) {
      // A shim exits by itself once its task is deleted; give it a moment before ending it.
      if (!awaitExit(shim, Duration.ofSeconds(10))) {
        shim.destroyForcibly();
        if (!awaitExit(shim, Duration.ofSeconds(10))) {
          problems.add("shim PID " + shim.pid() + " survived SIGKILL");
        }
      }
    }
  }

  /**
   * Container processes still in {@link Containerd#CGROUP_PARENT} or another owned parent (none, normally): SIGKILL
   * by PID. Only there: a namespace's cgroup (ctr's default parent) may hold another containerd's containers on a
   * shared machine.
   */
  private static void killCgroupMembers(Set<String> parents, List<String> problems) {
    for (Path hierarchy : HostState.cgroupHierarchies()) {
      for (String name : parents) {
        killMembersUnder(hierarchy.resolve(name), problems);
      }
    }
  }

  private static void killMembersUnder(Path parent, List<String> problems) {
    if (Files.isDirectory(parent)) {
      try (Stream<Path> walk = Files.walk(parent)) {
        for (Path procs : walk.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
          killMembers(procs, problems);
        }
      } catch (IOException | UncheckedIOException e) {
        // removed meanwhile
      }
    }
  }

  /** SIGKILL to every process listed in a {@code cgroup.procs} file. */
  private static void killMembers(Path procs, List<String> problems) throws IOException {
    for (String pid : Files.readAllLines(procs)) {
      if (!pid.isBlank()) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
          problems.add("process " + p.pid() + " was still in " + procs.getParent() + " (killed)");
          p.destroyForcibly();
          awaitExit(p, Duration.ofSeconds(10));
        });
      }
    }
  }

  private void removeCgroups(List<String> names, List<String> problems) {
    removeEmptyCgroups(cgroupsBefore, names);
    for (Path hierarchy : HostState.cgroupHierarchies()) {
      for (String name : names) {
        Path dir = hierarchy.resolve(name);
        if (!cgroupsBefore.getOrDefault(hierarchy, Set.of()).contains(name) && Files.exists(dir)) {
          problems.add("cgroup " + dir + " could not be removed");
        }
      }
    }
  }

  /**
   * rmdir, deepest first, of the named top-level cgroups in every hierarchy, except those {@code keep} lists for
   * that hierarchy (they were there before). Only empty cgroups can be removed; cgroup directories hold no files.
   */
  private static void removeEmptyCgroups(Map<Path, Set<String>> keep, List<String> names) {
    for (Path hierarchy : HostState.cgroupHierarchies()) {
      for (String name : names) {
        Path top = hierarchy.resolve(name);
        if (!keep.getOrDefault(hierarchy, Set.of()).contains(name) && Files.isDirectory(top)) {
          removeEmptyDirectories(top);
        }
      }
    }
  }

  private static void removeEmptyDirectories(Path top) {
    try (Stream<Path> walk = Files.walk(top)) {
      List<Path> dirs = walk.filter(Files::isDirectory)
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
      for (Path dir : dirs) {
        try {
          Files.delete(dir);
        } catch (IOException busy) {
          // still has processes: reported by the caller
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // removed meanwhile
    }
  }

  private static Map<Path, Set<String>> topLevelCgroups() {
    Map<Path, Set<String>> result = new LinkedHashMap<>();
    for (Path hierarchy : HostState.cgroupHierarchies()) {
      try (Stream<Path> list = Files.list(hierarchy)) {
        result.put(hierarchy, list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
            .collect(Collectors.toSet()));
      } catch (IOException e) {
        result.put(hierarchy, Set.of());
      }
    }
    return result;
  }

  /** umount, and if that fails (busy) a lazy {@code umount -l}. */
  private static void unmount(Path mount, List<String> problems) {
    for (List<String> command : List.of(List.of("umount", mount.toString()), List.of("umount", "-l",
        mount.toString()))) {
      try {
        Process umount = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = ChildProcesses.readAll(umount.getInputStream());
        if (umount.waitFor(60, TimeUnit.SECONDS) && umount.exitValue() == 0) {
          return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}", String.join(" ", command), out.strip());
      } catch (IOException e) {
        problems.add("cannot run umount: " + e.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    problems.add("could not unmount " + mount);
  }

  /** Deletes the empty directories of a tree, deepest first; what is not empty stays and is reported. */
  private static void removeEmptyTree(Path root, List<String> problems) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
        if (Files.isDirectory(p)) {
          try {
            Files.delete(p);
          } catch (DirectoryNotEmptyException | NoSuchFileException ignored) {
            // reported below
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      problems.add("cannot clean " + root + ": " + e.getMessage());
      return;
    }
    if (Files.exists(root)) {
      problems.add(root + " was created by containerd and is not empty");
    }
  }

  /**
   * Its root, state and sockets, once nothing is mounted under the work directory any more: deleting through a
   * mount would delete what is mounted (a bind mount's source on the host).
   */
  private void deleteState(List<String> problems) {
    List<Path> stillMounted = HostState.mountsUnder(workDir);
    if (!stillMounted.isEmpty()) {
      problems.add("still mounted under " + workDir + ": " + stillMounted + " (its state was left in place)");
      return;
    }
    for (Path dir : stateDirs) {
      deleteRecursively(dir, problems);
    }
    for (Path socketFile : socketFiles) {
      deleteQuietly(socketFile);
    }
  }

  static void deleteRecursively(Path dir, List<String> problems) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      problems.add("cannot delete " + dir + ": " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a socket containerd removes itself
    }
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
