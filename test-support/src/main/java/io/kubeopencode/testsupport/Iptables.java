package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host's iptables and ip6tables rules as {@code iptables-save} prints them, without counters or comments, one
 * text per table; and putting a table back as it was with {@code iptables-restore} (which replaces only the tables
 * in its input, and each of those whole: rules, policies and user chains).
 */
final class Iptables {
  /** An address family and its commands. */
  enum Family {
    IPV4("iptables"), IPV6("ip6tables");

    private final String command;

    Family(String command) {
      this.command = command;
    }
  }

  private Iptables() {}

  /** Table name to its normalised {@code *table ... COMMIT} block; empty when the command is not installed. */
  static Map<String, String> save(Family family) {
    CommandResult result;
    try {
      result = ChildProcesses.runToEnd(new ProcessBuilder(family.command + "-save"), Duration.ofMinutes(1),
          family.command + "-save");
    } catch (UncheckedIOException notInstalled) {
      return Map.of();
    }
    if (result.exitCode() != 0) {
      throw new IllegalStateException(family.command + "-save failed: " + result.stderr().strip());
    }
    Map<String, String> tables = new LinkedHashMap<>();
    StringBuilder block = null;
    String table = null;
    for (String line : result.stdout().lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (line.startsWith("*")) {
        table = line.substring(1).strip();
        block = new StringBuilder();
      }
      if (block != null) {
        // ":CHAIN POLICY [packets:bytes]": the counters change all the time and are no state of ours.
        block.append(line.startsWith(":") ? line.replaceFirst("\\s*\\[\\d+:\\d+\\]$", "") : line).append('\n');
        if (line.equals("COMMIT")) {
          if (!isEmpty(block.toString())) {
            tables.put(table, block.toString());
          }
          block = null;
        }
      }
    }
    return tables;
  }

  /**
   * Only built-in chains, ACCEPT, no rules: such a table filters nothing and counts as absent. (With the nf_tables
   * backend iptables can empty a table but not delete it; before a node ran, iptables-save here printed none.)
   */
  private static boolean isEmpty(String block) {
    return block.lines().allMatch(l -> l.startsWith("*") || l.equals("COMMIT")
        || (l.startsWith(":") && l.split("\\s+").length > 1 && l.split("\\s+")[1].equals("ACCEPT")));
  }

  /** The lines added to and removed from each table, e.g. {@code ipv4 nat: + -A KUBE-SERVICES ...}. */
  static List<String> differences(Family family, Map<String, String> before, Map<String, String> after) {
    List<String> differences = new ArrayList<>();
    for (String table : new TreeSet<>(union(before, after))) {
      List<String> was = before.getOrDefault(table, "").lines().toList();
      List<String> is = after.getOrDefault(table, "").lines().toList();
      is.stream().filter(l -> !was.contains(l))
          .forEach(l -> differences.add(family.command + " " + table + ": added " + l));
      was.stream().filter(l -> !is.contains(l))
          .forEach(l -> differences.add(family.command + " " + table + ": removed " + l));
    }
    return differences;
  }

  /**
   * Puts back every table that differs from {@code before}: its saved text, or, for a table that was not there,
   * that table with its built-in chains empty (ACCEPT) and no user chain. Records what fails.
   */
  static void restore(Family family, Map<String, String> before, List<String> problems) {
    Map<String, String> now = save(family);
    StringBuilder input = new StringBuilder();
    for (String table : union(before, now)) {
      String was = before.get(table);
      if (was != null && was.equals(now.get(table))) {
        continue;
      }
      input.append(was != null ? was : emptied(now.get(table)));
    }
    if (input.isEmpty()) {
      return;
    }
    try {
      Path file = Files.createTempFile("kubeopencode-" + family.command, ".rules");
      try {
        Files.writeString(file, input);
        CommandResult result = ChildProcesses.runToEnd(new ProcessBuilder(family.command + "-restore", "-w", "5")
            .redirectInput(file.toFile()), Duration.ofMinutes(1), family.command + "-restore");
        if (result.exitCode() != 0) {
          problems.add(family.command + "-restore failed: " + result.stderr().strip() + "\ninput:\n" + input);
        }
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A table's block with only its built-in chains (those with a policy), ACCEPT, and no rules. */
  private static String emptied(String block) {
    StringBuilder out = new StringBuilder();
    for (String line : block.lines().toList()) {
      if (line.startsWith("*") || line.equals("COMMIT")) {
        out.append(line).append('\n');
      } else if (line.startsWith(":") && !line.split("\\s+")[1].equals("-")) {
        out.append(line.split("\\s+")[0]).append(" ACCEPT\n");
      }
    }
    return out.toString();
  }

  private static Set<String> union(Map<String, String> a, Map<String, String> b) {
    Set<String> all = new LinkedHashSet<>(a.keySet());
    all.addAll(b.keySet());
    return all;
  }
}
