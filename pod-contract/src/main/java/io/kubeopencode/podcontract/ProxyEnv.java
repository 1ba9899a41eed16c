package io.kubeopencode.podcontract;

import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The proxy settings of {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY}, as curl and Go read them:
 * http:// URLs go through the http proxy, https:// URLs through the https one (tunnelled with CONNECT), except for
 * the hosts {@link NoProxy} exempts. Every other scheme (git://, ssh, the JDK's socket://) always goes direct.
 *
 * <ul>
 *   <li>Each variable is read in lower case first: {@code https_proxy} wins over {@code HTTPS_PROXY} when both are
 *       set (curl's rule; Go prefers upper case). Unlike curl, upper-case {@code HTTP_PROXY} is read too. A blank
 *       value counts as unset.</li>
 *   <li>A proxy URL without a scheme is http://; without a port, port {@value ProxyEndpoint#DEFAULT_PORT}. Only
 *       http:// proxies exist for the JDK; https:// (TLS to the proxy) and socks are refused by name.</li>
 *   <li>Loopback is not exempt unless {@code NO_PROXY} says so (Go always exempts it).</li>
 *   <li>{@code user:password@} in a proxy URL is answered with Basic (or whatever the proxy asks) through
 *       {@link #authenticator()}, to that proxy only.</li>
 * </ul>
 *
 * <p>Parsing is pure; {@link #installAsDefaults()} is the one method that changes JVM-wide state.
 *
 * @param http the proxy for http:// URLs, or null
 * @param https the proxy for https:// URLs, or null
 */
public record ProxyEnv(ProxyEndpoint http, ProxyEndpoint https, NoProxy noProxy) {
  public static final ProxyEnv NONE = new ProxyEnv(null, null, NoProxy.NONE);
  /**
   * The JDK refuses Basic authentication to a proxy for CONNECT tunnels unless this property says otherwise (it
   * defaults to "Basic"); it is read once, when the HTTP classes are first used.
   */
  public static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

  /** @throws ProxyEnvException for a value that cannot be used, naming the variable as it was read */
  public static ProxyEnv parse(Map<String, String> env) {
    ProxyEndpoint http = read(env, PodContract.ENV_HTTP_PROXY).map(v -> ProxyEndpoint.parse(v.name(), v.value()))
        .orElse(null);
    ProxyEndpoint https = read(env, PodContract.ENV_HTTPS_PROXY)
        .map(v -> ProxyEndpoint.parse(v.name(), v.value())).orElse(null);
    NoProxy noProxy = read(env, PodContract.ENV_NO_PROXY).map(v -> NoProxy.parse(v.name(), v.value()))
        .orElse(NoProxy.NONE);
    return new ProxyEnv(http, https, noProxy);
  }

  private record Variable(String name, String value) {}

  private static Optional<Variable> read(Map<String, String> env, String upperCase) {
    return Stream.of(upperCase.toLowerCase(Locale.ROOT), upperCase)
        .filter(name -> env.get(name) != null && !env.get(name).isBlank())
        .findFirst().map(name -> new Variable(name, env.get(name)));
  }

  public boolean configured() {
    return http != null || https != null;
  }

  /** The proxy a request to {@code uri} goes through, or empty for a direct connection. */
  public Optional<ProxyEndpoint> proxyFor(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    ProxyEndpoint proxy = switch (scheme) {
      case "http" -> http;
      case "https" -> https;
      default -> null;
    };
    return proxy == null || noProxy.matches(uri) ? Optional.empty() : Optional.of(proxy);
  }

  /** For the JDK's HTTP clients (HttpClient, HttpURLConnection and so JGit): {@link #proxyFor} as a selector. */
  public ProxySelector selector() {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        if (uri == null) {
          throw new IllegalArgumentException("uri is null");
        }
        return List.of(proxyFor(uri).map(p -> new Proxy(Proxy.Type.HTTP, p.address())).orElse(Proxy.NO_PROXY));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // Nothing to fall back to: the caller reports the failure.
      }
    };
  }

  /**
   * Answers a proxy's authentication request with the credentials of the proxy URL naming that host and port;
   * empty when no proxy URL has credentials. Never answers a server (a target's 401 is the caller's business).
   */
  public Optional<Authenticator> authenticator() {
    List<ProxyEndpoint> withCredentials = Stream.of(https, http)
        .filter(p -> p != null && p.hasCredentials()).toList();
    if (withCredentials.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.PROXY) {
          return null;
        }
        return forProxy(withCredentials, getRequestingURL(), getRequestingHost(), getRequestingPort())
            .map(p -> new PasswordAuthentication(p.username(), p.password().toCharArray())).orElse(null);
      }
    });
  }

  /** The proxy at {@code host:port}; when both URLs name it, the one for the target's scheme. */
  private Optional<ProxyEndpoint> forProxy(List<ProxyEndpoint> candidates, URL target, String host, int port) {
    List<ProxyEndpoint> ordered = new ArrayList<>(candidates);
    if (target != null && target.getProtocol().equalsIgnoreCase("http") && http != null) {
      ordered.addFirst(http);
    }
    String h = host == null ? "" : host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return ordered.stream().filter(p -> p.hasCredentials() && p.host().equalsIgnoreCase(h) && p.port() == port)
        .findFirst();
  }

  /** The passwords in the proxy URLs, for log redaction. */
  public List<String> secrets() {
    return Stream.of(http, https).filter(p -> p != null && p.password() != null && !p.password().isEmpty())
        .map(ProxyEndpoint::password).distinct().toList();
  }

  /** One line for a log: the proxies (never their credentials) and the exemptions. */
  public String describe() {
    if (!configured()) {
      return "no proxy";
    }
    return "proxy for http: " + (http == null ? "none" : http) + ", for https: " + (https == null ? "none" : https)
        + (noProxy.all() || !noProxy.entries().isEmpty() ? ", not for " + noProxy.describe() : "");
  }

  /**
   * Makes these settings the JVM's: the default proxy selector and, with credentials, the default authenticator
   * and Basic allowed for CONNECT (these credentials were given for exactly this proxy). Call it before the first
   * HTTP connection. Without proxies it changes nothing.
   */
  public void installAsDefaults() {
    if (!configured()) {
      return;
    }
    ProxySelector.setDefault(selector());
    authenticator().ifPresent(a -> {
      Authenticator.setDefault(a);
      if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
        System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
      }
    });
  }

  @Override
  public String toString() {
    return describe();
  }
}
