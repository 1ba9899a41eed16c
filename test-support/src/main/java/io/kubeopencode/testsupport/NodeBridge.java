package io.kubeopencode.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pods' bridge, made before anything listens on its address (the API server relay, CoreDNS, the kubelet's node
 * IP need it to exist), and rules in the mangle table that keep pod traffic on this machine even though the bridge
 * plugin turns on {@code net.ipv4.ip_forward} ({@link #isolationRules()}; mangle, not filter: kube-proxy puts its
 * own rules first in filter's chains).
 */
final class NodeBridge {
  private static final String RULE_COMMENT = "kubeopencode-node: pod traffic stays on this machine";

  private NodeBridge() {}

  /** Creates the bridge with the gateway address, up, and the isolation rules. A leftover bridge is replaced. */
  static void create() {
    if (exists()) {
      System.getLogger(NodeBridge.class.getName()).log(System.Logger.Level.WARNING,
          "{0} exists (left by a run that was killed?): deleting it", NodeNetwork.BRIDGE);
      delete(new ArrayList<>());
    }
    run("ip", "link", "add", NodeNetwork.BRIDGE, "type", "bridge");
    run("ip", "addr", "add", NodeNetwork.GATEWAY + "/" + NodeNetwork.PREFIX_LENGTH, "dev", NodeNetwork.BRIDGE);
    run("ip", "link", "set", NodeNetwork.BRIDGE, "up");
    for (List<String> rule : isolationRules()) {
      List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", "-t", "mangle", "-A"));
      command.addAll(rule);
      run(command.toArray(String[]::new));
    }
  }

  /**
   * mangle rules: nothing forwarded between the bridge and another interface (either way), and nothing for the
   * pods' range arriving through another interface than the bridge or loopback (the host's own traffic to the bridge
   * address comes back through lo): a server on the bridge address is reachable from this machine and its pods only.
   */
  private static List<List<String>> isolationRules() {
    String bridge = NodeNetwork.BRIDGE;
    String pods = NodeNetwork.POD_CIDR;
    return List.of(
        rule("PREROUTING", "-i", "lo", "-d", pods, "-j", "ACCEPT"),
        rule("PREROUTING", "!", "-i", bridge, "-d", pods, "-j", "DROP"),
        rule("FORWARD", "-i", bridge, "!", "-o", bridge, "-j", "DROP"),
        rule("FORWARD", "-o", bridge, "!", "-i", bridge, "-j", "DROP"));
  }

  private static List<String> rule(String chain, String... match) {
    List<String> rule = new ArrayList<>(List.of(chain, "-m", "comment", "--comment", RULE_COMMENT));
    rule.addAll(List.of(match));
    return rule;
  }

  static boolean exists() {
    return ip("link", "show", NodeNetwork.BRIDGE).exitCode() == 0;
  }

  /**
   * Deletes the pods' veths still on the bridge (normally gone with their network namespaces), then the bridge; the
   * isolation rules go with the iptables restore ({@link HostRestore}). Records what stays.
   */
  static void delete(List<String> problems) {
    if (!exists()) {
      return;
    }
    for (String veth : linkNames("master", NodeNetwork.BRIDGE)) {
      ip("link", "del", veth);
    }
    CommandResult deleted = ip("link", "del", NodeNetwork.BRIDGE);
    if (deleted.exitCode() != 0) {
      problems.add("cannot delete the bridge " + NodeNetwork.BRIDGE + ": " + deleted.stderr().strip());
    }
  }

  /** The names of the network links ({@code ip -o link show [filter...]}), without their {@code @peer}. */
  static Set<String> linkNames(String... filter) {
    List<String> args = new ArrayList<>(List.of("-o", "link", "show"));
    args.addAll(List.of(filter));
    Set<String> names = new TreeSet<>();
    for (String line : ip(args.toArray(String[]::new)).stdout().lines().toList()) {
      String[] fields = line.split(":\\s+", 3);
      if (fields.length >= 2) {
        names.add(fields[1].contains("@") ? fields[1].substring(0, fields[1].indexOf('@')) : fields[1]);
      }
    }
    return names;
  }

  private static CommandResult ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    return ChildProcesses.runToEnd(new ProcessBuilder(command), Duration.ofSeconds(30), String.join(" ", command));
  }

  private static void run(String... command) {
    CommandResult result = ChildProcesses.runToEnd(new ProcessBuilder(command), Duration.ofSeconds(30),
        String.join(" ", command));
    if (result.exitCode() != 0) {
      throw new RealNodeUnavailableException(RealNodeUnavailableException.Reason.DID_NOT_START,
          String.join(" ", command) + " failed: " + result.stderr().strip());
    }
  }
}
