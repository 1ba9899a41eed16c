package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The TCP and UDP sockets listening in a process and its descendants, as {@code ss} (iproute2) reports them. Tests
 * use it to prove that every server they start (the control plane, the services, test servers) binds loopback only:
 * test traffic must stay on this machine.
 */
public final class ListeningSockets {
  private static final Pattern PROCESS = Pattern.compile("\\(\"([^\"]*)\",pid=(\\d+),fd=\\d+\\)");

  private ListeningSockets() {}

  /**
   * One listening socket of one process.
   *
   * @param protocol {@code tcp} or {@code udp}
   * @param address  the local address as {@code ss} prints it: {@code 127.0.0.1}, {@code [::1]}, {@code *}, ...
   */
  public record Listener(String protocol, String address, int port, long pid, String command) {
    /** Whether the socket accepts traffic from this machine only (127.0.0.0/8, ::1, ::ffff:127.x). */
    public boolean loopback() {
      String host = address.startsWith("[") ? address.substring(1, address.indexOf(']')) : address;
      int scope = host.indexOf('%'); // 127.0.0.1%lo: bound to an interface
      host = scope < 0 ? host : host.substring(0, scope);
      if (host.equals("*") || host.isEmpty()) {
        return false;
      }
      try {
        return InetAddress.getByName(host).isLoopbackAddress(); // an IP literal: no name lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }

    /**
     * Loopback, or the real node's bridge address ({@link KubeCluster#podReachableHostAddress()}): the node's
     * iptables rules drop whatever reaches that address through another interface, so only this machine and its
     * pods reach it.
     */
    public boolean thisMachineOnly() {
      String host = address.startsWith("[") ? address.substring(1, address.indexOf(']')) : address;
      return loopback() || host.equals(NodeNetwork.GATEWAY) || host.equals("::ffff:" + NodeNetwork.GATEWAY);
    }

    @Override
    public String toString() {
      return protocol + " " + address + ":" + port + " (" + command + ", pid " + pid + ")";
    }
  }

  /** The sockets listening in process {@code pid} or any of its descendants. */
  public static List<Listener> of(long pid) {
    Set<Long> tree = Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
        .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)).collect(Collectors.toSet());
    return parse(ss()).stream().filter(l -> tree.contains(l.pid())).toList();
  }

  /**
   * Fails, naming each, when a socket of {@code pid}'s process tree listens on anything but loopback (or the real
   * node's bridge address: {@link Listener#thisMachineOnly()}). Returns all its listening sockets, so a caller can
   * check the server it cares about is among them.
   */
  public static List<Listener> assertLoopbackOnly(long pid) {
    List<Listener> listeners = of(pid);
    List<Listener> exposed = listeners.stream().filter(l -> !l.thisMachineOnly()).toList();
    if (!exposed.isEmpty()) {
      throw new AssertionError("listening beyond loopback (test servers must bind 127.0.0.1): " + exposed
          + "; all listeners of pid " + pid + " and its descendants: " + listeners);
    }
    return listeners;
  }

  /** Parses {@code ss -H -l -n -t -u -p}: one listener per socket and process that holds it. */
  static List<Listener> parse(String ssOutput) {
    List<Listener> listeners = new ArrayList<>();
    for (String line : ssOutput.strip().split("\n")) {
      String[] fields = line.strip().split("\\s+");
      int users = line.indexOf("users:");
      if (fields.length < 7 || users < 0) {
        continue; // no process column: a socket of a process we may not inspect
      }
      String local = fields[4];
      int colon = local.lastIndexOf(':');
      String address = local.substring(0, colon);
      int port = Integer.parseInt(local.substring(colon + 1));
      Matcher process = PROCESS.matcher(line.substring(users));
      while (process.find()) {
        listeners.add(new Listener(fields[0], address, port, Long.parseLong(process.group(2)), process.group(1)));
      }
    }
    return listeners;
  }

  private static String ss() {
    try {
      Process process = new ProcessBuilder("ss", "-H", "-l", "-n", "-t", "-u", "-p").start();
      process.getOutputStream().close();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String out = read(process.getInputStream());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("ss failed: " + err.join());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run ss (iproute2) to list listening sockets", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
