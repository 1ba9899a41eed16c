package io.kubeopencode.gitinit;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Strict host key checking against GIT_SSH_KNOWN_HOSTS, held in memory: a key is accepted only if a known_hosts
 * line for the host (name or address, hashed or not, {@code [host]:port} for other ports) has exactly that key and is
 * not {@code @revoked}. Nothing is ever added, nothing is written. No entries means no host is trusted.
 */
public final class KnownHostsDatabase implements ServerKeyDatabase {
  private record Entry(KnownHostEntry host, PublicKey key) {}

  private final List<Entry> entries;
  private final TransportEvents events;

  private KnownHostsDatabase(List<Entry> entries, TransportEvents events) {
    this.entries = entries;
    this.events = events;
  }

  /** Parses known_hosts text; lines with unknown key types are skipped, a file with no usable line is an error. */
  public static KnownHostsDatabase parse(String knownHosts, TransportEvents events) {
    List<Entry> entries = new ArrayList<>();
    try {
      for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(new StringReader(knownHosts), true)) {
        if (e.getKeyEntry() == null || "@cert-authority".equals(e.getMarker())) {
          continue;
        }
        PublicKey key = e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        if (key != null) {
          entries.add(new Entry(e, key));
        }
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_SSH_KNOWN_HOSTS + " is not valid known_hosts content: "
          + e.getClass().getSimpleName());
    }
    if (entries.isEmpty()) {
      throw new GitInitException(Failure.CONFIG, EnvNames.GIT_SSH_KNOWN_HOSTS + " has no usable host key line");
    }
    return new KnownHostsDatabase(List.copyOf(entries), events);
  }

  /** Trusts nothing: used when GIT_SSH_KNOWN_HOSTS is not set. */
  public static KnownHostsDatabase empty(TransportEvents events) {
    return new KnownHostsDatabase(List.of(), events);
  }

  @Override
  public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
    List<PublicKey> keys = new ArrayList<>();
    for (Entry e : entries) {
      if (!"@revoked".equals(e.host().getMarker()) && matches(e.host(), connectAddress, remoteAddress)) {
        keys.add(e.key());
      }
    }
    return keys;
  }

  @Override
  public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
      Configuration config, CredentialsProvider provider) {
    boolean trusted = false;
    for (Entry e : entries) {
      if (matches(e.host(), connectAddress, remoteAddress) && KeyUtils.compareKeys(e.key(), serverKey)) {
        if ("@revoked".equals(e.host().getMarker())) {
          trusted = false;
          break;
        }
        trusted = true;
      }
    }
    if (!trusted) {
      events.hostKeyRejected(connectAddress);
    }
    return trusted;
  }

  /** {@code connectAddress} is "host" for port 22, "[host]:port" otherwise (OpenSSH's form). */
  static boolean matches(KnownHostEntry entry, String connectAddress, InetSocketAddress remote) {
    String host = connectAddress;
    int port = 22;
    if (connectAddress.startsWith("[")) {
      int end = connectAddress.indexOf(']');
      host = connectAddress.substring(1, end);
      if (end + 2 < connectAddress.length() && connectAddress.charAt(end + 1) == ':') {
        port = Integer.parseInt(connectAddress.substring(end + 2));
      }
    }
    if (entry.isHostMatch(host, port)) {
      return true;
    }
    return remote != null && !remote.isUnresolved()
        && entry.isHostMatch(remote.getAddress().getHostAddress(), remote.getPort());
  }
}
