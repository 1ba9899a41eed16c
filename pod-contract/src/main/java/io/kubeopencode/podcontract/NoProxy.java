package io.kubeopencode.podcontract;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts {@code NO_PROXY} exempts from the proxy: entries separated by commas (or white space); {@code *} exempts
 * everything; {@code example.com}, {@code .example.com} and {@code *.example.com} all exempt {@code example.com} and
 * every name under it (curl's rule); an IP literal or CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}) exempts the
 * IP literals in it; {@code :port} ({@code [::1]:8080} for IPv6) limits an entry to that port. Names are never
 * looked up: a name matches name entries only, an IP literal IP entries only. Case does not matter.
 */
public record NoProxy(boolean all, List<Entry> entries) {
  public static final NoProxy NONE = new NoProxy(false, List.of());
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  public NoProxy {
    entries = List.copyOf(entries);
  }

  /** One entry; {@code port} -1 means any port. */
  public sealed interface Entry {
    int port();
  }

  /** A host name and all names under it, without a leading dot. */
  public record Domain(String name, int port) implements Entry {}

  /** The IP literals whose first {@code prefixLength} bits are {@code network}'s. */
  public record Network(InetAddress network, int prefixLength, int port) implements Entry {}

  /** The entries as they are understood, for logs: {@code example.com, 10.0.0.0/8, [::1]:8080}. */
  public String describe() {
    List<String> shown = new ArrayList<>();
    if (all) {
      shown.add("*");
    }
    for (Entry e : entries) {
      String host = switch (e) {
        case Domain d -> d.name();
        case Network n -> {
          String ip = n.network().getHostAddress();
          String s = n.prefixLength() == n.network().getAddress().length * 8 ? ip : ip + "/" + n.prefixLength();
          yield e.port() != -1 && ip.indexOf(':') >= 0 ? "[" + s + "]" : s;
        }
      };
      shown.add(e.port() == -1 ? host : host + ":" + e.port());
    }
    return String.join(", ", shown);
  }

  /** Whether a request to {@code uri} goes direct; the port is the URI's or its scheme's default. */
  public boolean matches(URI uri) {
    int port = uri.getPort();
    if (port == -1) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    return matches(uri.getHost(), port);
  }

  /** Whether {@code host} (a name or IP literal, IPv6 with or without brackets) on {@code port} goes direct. */
  public boolean matches(String host, int port) {
    if (all) {
      return true;
    }
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = normalise(host);
    InetAddress ip = ipLiteral(h);
    for (Entry e : entries) {
      if (e.port() != -1 && e.port() != port) {
        continue;
      }
      boolean hit = switch (e) {
        case Domain d -> ip == null && (h.equals(d.name()) || h.endsWith("." + d.name()));
        case Network n -> ip != null && inNetwork(ip, n);
      };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  /** @throws ProxyEnvException naming {@code variable} and the entry */
  static NoProxy parse(String variable, String value) {
    boolean all = false;
    List<Entry> entries = new ArrayList<>();
    for (String raw : value.split("[,\\s]+")) {
      String e = raw.toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      if (e.equals("*")) {
        all = true;
        continue;
      }
      entries.add(entry(variable, e));
    }
    return new NoProxy(all, entries);
  }

  private static Entry entry(String variable, String e) {
    String host = e;
    int port = -1;
    if (e.startsWith("[")) {
      int close = e.indexOf(']');
      if (close < 0 || !(close == e.length() - 1 || e.charAt(close + 1) == ':')) {
        throw invalid(variable, e, "is not [IPv6 address] or [IPv6 address]:port");
      }
      host = e.substring(1, close);
      port = close == e.length() - 1 ? -1 : port(variable, e, e.substring(close + 2));
    } else if (e.indexOf(':') >= 0 && e.indexOf(':') == e.lastIndexOf(':')) {
      host = e.substring(0, e.indexOf(':'));
      port = port(variable, e, e.substring(e.indexOf(':') + 1));
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      InetAddress network = ipLiteral(host.substring(0, slash));
      int bits = network == null ? 0 : network.getAddress().length * 8;
      Integer prefix = number(host.substring(slash + 1));
      if (network == null || prefix == null || prefix > bits) {
        throw invalid(variable, e, "is not a CIDR range such as 10.0.0.0/8 or fd00::/8");
      }
      return new Network(network, prefix, port);
    }
    InetAddress ip = ipLiteral(host);
    if (ip != null) {
      return new Network(ip, ip.getAddress().length * 8, port);
    }
    if (host.indexOf(':') >= 0) {
      throw invalid(variable, e, "is not a valid IPv6 address");
    }
    String bare = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
    String name = normalise(bare);
    if (!NAME.matcher(name).matches()) {
      throw invalid(variable, e, "is not a host name, domain, IP address or CIDR range");
    }
    return new Domain(name, port);
  }

  private static int port(String variable, String entry, String digits) {
    Integer p = number(digits);
    if (p == null || p < 1 || p > 65535) {
      throw invalid(variable, entry, "has a port that is not between 1 and 65535");
    }
    return p;
  }

  private static Integer number(String digits) {
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Integer.parseInt(digits);
  }

  /** Lower case, without IPv6 brackets or the trailing dot of a fully qualified name. */
  private static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /**
   * The address of an IP literal, or null for anything else. Never a DNS query: IPv4 is parsed here, and the JDK
   * parses a string with ':' as an IPv6 literal or refuses it without a lookup.
   */
  static InetAddress ipLiteral(String s) {
    try {
      if (IPV4.matcher(s).matches()) {
        byte[] bytes = new byte[4];
        String[] parts = s.split("\\.");
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return null;
          }
          bytes[i] = (byte) octet;
        }
        return InetAddress.getByAddress(bytes);
      }
      if (s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return InetAddress.getByName(s);
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  private static boolean inNetwork(InetAddress ip, Network n) {
    byte[] a = ip.getAddress();
    byte[] b = n.network().getAddress();
    if (a.length != b.length) {
      return false;
    }
    int bits = n.prefixLength();
    for (int i = 0; bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((a[i] & mask) != (b[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static ProxyEnvException invalid(String variable, String entry, String detail) {
    return new ProxyEnvException(variable, "entry '" + entry + "' " + detail);
  }
}
