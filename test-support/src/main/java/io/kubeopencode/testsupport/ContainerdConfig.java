package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where a private containerd keeps everything (all of it under its work directory), and the {@code config.toml}
 * that tells containerd so: nothing global. The CRI plugin is configured as a kubelet needs it on these machines.
 */
final class ContainerdConfig {
  private final Path workDir;
  private final Containerd.Options options;

  ContainerdConfig(Path workDir, Containerd.Options options) {
    this.workDir = workDir;
    this.options = options;
  }

  Path workDir() {
    return workDir;
  }

  /** The gRPC socket. */
  Path socket() {
    return workDir.resolve("containerd.sock");
  }

  Path ttrpcSocket() {
    return workDir.resolve("containerd.sock.ttrpc");
  }

  Path logFile() {
    return workDir.resolve("containerd.log");
  }

  /** Where ctr puts a container's stdio FIFOs. */
  Path fifoDir() {
    return dir("fifo");
  }

  /** runc's state: a container's runc root. */
  Path runcRoot() {
    return dir("runc");
  }

  /** The containers' outputs (stdout, stderr, PID files): kept after close(). */
  Path containersDir() {
    return dir("containers");
  }

  /** The directories of containerd's state, which close() deletes again (cni only when none was given). */
  List<Path> stateDirs() {
    List<Path> dirs = new ArrayList<>(List.of(dir("root"), dir("state"), runcRoot(), fifoDir(), dir("opt")));
    if (options.cniBinDir() == null) {
      dirs.add(dir("cni"));
    }
    return dirs;
  }

  /** Creates every directory it names and writes {@code config.toml}; returns its path. */
  Path write() {
    Path cniBin = options.cniBinDir() != null ? options.cniBinDir() : dir("cni").resolve("bin");
    Path cniConf = options.cniConfDir() != null ? options.cniConfDir() : dir("cni").resolve("net.d");
    List<Path> dirs = new ArrayList<>(stateDirs());
    dirs.add(containersDir());
    dirs.addAll(List.of(cniBin, cniConf));
    try {
      for (Path dir : dirs) {
        Files.createDirectories(dir);
      }
      return Files.writeString(workDir.resolve("config.toml"), toml(cniBin, cniConf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String toml(Path cniBin, Path cniConf) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    return String.join("\n",
        "# Written by io.kubeopencode.testsupport.Containerd: everything under this directory, nothing global.",
        "version = 2",
        "root = " + quote(dir("root")),
        "state = " + quote(dir("state")),
        // Snapshotters that cannot work here (and might probe kernel modules) and the tracing exporters stay off.
        "disabled_plugins = [\"io.containerd.snapshotter.v1.aufs\", \"io.containerd.snapshotter.v1.btrfs\","
            + " \"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.zfs\","
            + " \"io.containerd.tracing.processor.v1.otlp\", \"io.containerd.internal.v1.tracing\"]",
        "",
        "[grpc]",
        "  address = " + quote(socket()),
        "[ttrpc]",
        "  address = " + quote(ttrpcSocket()),
        "[debug]",
        "  address = \"\"",
        "[metrics]",
        "  address = \"\"",
        "",
        "[plugins]",
        "  [plugins.\"io.containerd.internal.v1.opt\"]",
        "    path = " + quote(dir("opt")),
        "  [" + cri + "]",
        "    sandbox_image = " + quote(options.sandboxImage()),
        // Root lacks CAP_SYS_RESOURCE on these machines: runc cannot lower a sandbox's oom_score_adj.
        "    restrict_oom_score_adj = true",
        "    disable_apparmor = true",
        "    netns_mounts_under_state_dir = true",
        "    stream_server_address = \"127.0.0.1\"",
        "    stream_server_port = \"0\"",
        "    [" + cri + ".containerd]",
        "      snapshotter = \"overlayfs\"",
        "      default_runtime_name = \"runc\"",
        "      [" + cri + ".containerd.runtimes.runc]",
        "        runtime_type = \"io.containerd.runc.v2\"",
        "        [" + cri + ".containerd.runtimes.runc.options]",
        "          SystemdCgroup = false",
        "          Root = " + quote(runcRoot()),
        "    [" + cri + ".cni]",
        "      bin_dir = " + quote(cniBin),
        "      conf_dir = " + quote(cniConf),
        "");
  }

  /** This project's version (for the default sandbox image's tag); "latest" outside a Maven build. */
  static String projectVersion() {
    try (InputStream in = ContainerdConfig.class.getResourceAsStream("test-support.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      String version = properties.getProperty("version", "");
      return version.isEmpty() || version.startsWith("$") ? "latest" : version;
    } catch (IOException e) {
      return "latest";
    }
  }

  private Path dir(String name) {
    return workDir.resolve(name);
  }

  private static String quote(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
