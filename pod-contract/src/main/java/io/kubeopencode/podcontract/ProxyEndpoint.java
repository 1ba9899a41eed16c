package io.kubeopencode.podcontract;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One proxy from {@code HTTP_PROXY} or {@code HTTPS_PROXY}: an http:// proxy (the JDK speaks plain HTTP to its
 * proxies, CONNECT for https targets), with optional credentials from the URL's user info.
 *
 * @param host name or IP literal, without brackets
 * @param username null when the URL has no user info
 * @param password empty when the user info has no ':'; null without user info
 */
public record ProxyEndpoint(String host, int port, String username, String password) {
  /** The port of a proxy URL that names none, as Go and the JDK's own {@code http.proxyPort} default do. */
  public static final int DEFAULT_PORT = 80;

  /** {@code http://host:port}: never the credentials. */
  public String display() {
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public boolean hasCredentials() {
    return username != null;
  }

  /** Unresolved, like the JDK's own proxy settings: the name is looked up when connecting, by whoever connects. */
  public InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public String toString() {
    return display() + (hasCredentials() ? " (with credentials)" : "");
  }

  /**
   * Parses a proxy variable's value: {@code [http://][user[:password]@]host[:port][/]}. No scheme means http://;
   * user and password are percent-decoded (a password with '@' or ':' must be written %40, %3A).
   *
   * @throws ProxyEnvException naming {@code variable}, the value shown without its password
   */
  static ProxyEndpoint parse(String variable, String value) {
    String v = value.strip();
    URI uri;
    try {
      uri = new URI(v.contains("://") ? v : "http://" + v);
    } catch (URISyntaxException e) {
      throw invalid(variable, v, "is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw invalid(variable, v, "has the scheme '" + scheme + "'; only http:// proxies are supported (the JDK"
          + " speaks plain HTTP to a proxy and tunnels https through it with CONNECT)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalid(variable, v, "has no host name");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(variable, v, "must be only [http://][user:password@]host[:port]");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    if (port < 1 || port > 65535) {
      throw invalid(variable, v, "has the port " + port + ", not between 1 and 65535");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return new ProxyEndpoint(host, port, null, null);
    }
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    String password = colon < 0 ? "" : userInfo.substring(colon + 1);
    return new ProxyEndpoint(host, port, decode(user), decode(password));
  }

  /** Percent-decoding as in URLs ('+' stays '+', unlike form decoding); {@link URI} has checked the escapes. */
  private static String decode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) != '%') {
        int cp = raw.codePointAt(i);
        out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
        continue;
      }
      out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ProxyEnvException invalid(String variable, String value, String detail) {
    return new ProxyEnvException(variable, "'" + masked(value) + "' " + detail);
  }

  /** The value with its user info replaced by {@code ***}: a message must never show the password. */
  static String masked(String value) {
    int at = value.lastIndexOf('@');
    if (at < 0) {
      return value;
    }
    int start = value.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    return at < start ? value : value.substring(0, start) + "***" + value.substring(at);
  }
}
