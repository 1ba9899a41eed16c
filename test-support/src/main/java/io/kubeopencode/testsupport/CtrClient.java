package io.kubeopencode.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ctr, containerd's command-line client, against one private containerd: every call names its socket and a
 * namespace explicitly. Knows the flags of {@code ctr run} and what {@code ctr images import} prints.
 */
final class CtrClient {
  private static final Pattern UNPACKED = Pattern.compile("^unpacking (\\S+) \\(sha256:[0-9a-f]+\\)");

  private final Path ctr;
  private final ContainerdConfig config;
  private final String namespace;

  CtrClient(Path ctr, ContainerdConfig config, String namespace) {
    this.ctr = ctr;
    this.config = config;
    this.namespace = namespace;
  }

  /** {@code ctr -a <socket> -n <namespace> args...} in the default namespace, run to its end. */
  CommandResult run(Duration timeout, String... args) {
    return runIn(namespace, timeout, args);
  }

  CommandResult runIn(String namespace, Duration timeout, String... args) {
    List<String> command = command(namespace);
    command.addAll(List.of(args));
    return ChildProcesses.runToEnd(processBuilder(command), timeout, "ctr " + String.join(" ", args));
  }

  /**
   * A ctr process with no stdin and no {@code CONTAINERD_*} variables: ctr reads them (snapshotter, namespace,
   * address), and only the explicit flags are to count.
   */
  static ProcessBuilder processBuilder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("CONTAINERD_"));
    return builder;
  }

  /** As {@link Containerd#importImage(Path)}: the references of the images it unpacked. */
  List<String> importImage(Path tar) {
    if (!Files.isRegularFile(tar)) {
      throw new IllegalArgumentException("no image tar at " + tar);
    }
    // No --index-name: it re-tags other images.
    CommandResult result = run(Duration.ofMinutes(10), "images", "import", tar.toAbsolutePath().toString());
    if (result.exitCode() != 0) {
      throw new IllegalStateException("ctr images import " + tar + " failed (exit code " + result.exitCode() + "): "
          + result.stderr().strip() + result.stdout().strip());
    }
    List<String> refs = new ArrayList<>();
    for (String line : result.stdout().lines().toList()) {
      Matcher matcher = UNPACKED.matcher(line.strip());
      if (matcher.find()) {
        refs.add(matcher.group(1));
      }
    }
    if (refs.isEmpty()) {
      throw new IllegalStateException("ctr images import " + tar + " named no image (an OCI tar without a full "
          + "reference name?); its output: " + result.stdout().strip());
    }
    return List.copyOf(refs);
  }

  /**
   * The {@code ctr run --rm} command of container {@code id}: its cgroup is {@code /<CGROUP_PARENT>/<id>}, so the
   * teardown finds whatever it leaves; the host PID of its first process goes to {@code pidFile}.
   */
  List<String> runCommand(String id, Containerd.RunSpec spec, Path pidFile) {
    List<String> command = command(namespace);
    command.addAll(List.of("run", "--rm", "--fifo-dir", config.fifoDir().toString(),
        "--runc-root", config.runcRoot().toString(), "--cgroup", "/" + Containerd.CGROUP_PARENT + "/" + id,
        "--pid-file", pidFile.toString()));
    spec.env().forEach((name, value) -> command.addAll(List.of("--env", name + "=" + value)));
    spec.mounts().forEach(mount -> command.addAll(List.of("--mount", mount.flag())));
    if (spec.readOnlyRootFs()) {
      command.add("--read-only");
    }
    if (spec.hostNetwork()) {
      command.add("--net-host");
    }
    if (spec.memoryLimitBytes() > 0) {
      command.addAll(List.of("--memory-limit", Long.toString(spec.memoryLimitBytes())));
    }
    if (spec.workingDir() != null) {
      command.addAll(List.of("--cwd", spec.workingDir()));
    }
    command.add(spec.image());
    command.add(id);
    command.addAll(spec.args());
    return command;
  }

  /** Every namespace containerd knows, and the default one even if it does not (yet). */
  Set<String> namespaces() {
    CommandResult namespaces = run(Duration.ofSeconds(60), "namespaces", "ls", "-q");
    Set<String> all = new HashSet<>(ids(namespaces));
    all.add(namespace);
    return all;
  }

  /** Kills and deletes every task, then deletes every container, of one namespace; records what stays. */
  void removeContainersIn(String namespace, List<String> problems) {
    Duration limit = Duration.ofSeconds(60);
    for (String task : ids(runIn(namespace, limit, "tasks", "ls", "-q"))) {
      runIn(namespace, limit, "tasks", "kill", "-a", "-s", "SIGKILL", task);
      CommandResult deleted = runIn(namespace, limit, "tasks", "delete", "-f", task);
      if (deleted.exitCode() != 0 && !deleted.stderr().contains("not found")) {
        problems.add("task " + namespace + "/" + task + " not deleted: " + deleted.stderr().strip());
      }
    }
    for (String container : ids(runIn(namespace, limit, "containers", "ls", "-q"))) {
      CommandResult deleted = runIn(namespace, limit, "containers", "delete", container);
      if (deleted.exitCode() != 0 && !deleted.stderr().contains("not found")) {
        problems.add("container " + namespace + "/" + container + " not deleted: " + deleted.stderr().strip());
      }
    }
  }

  private List<String> command(String namespace) {
    return new ArrayList<>(List.of(ctr.toString(), "-a", config.socket().toString(), "-n", namespace));
  }

  private static List<String> ids(CommandResult listing) {
    return listing.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
