package io.kubeopencode.podcontract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the proxy variables, choosing a proxy per URL, and the credentials; no network. */
class ProxyEnvTest {
  private static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private static void assertInvalid(Map<String, String> env, String variable, String message) {
    assertThatThrownBy(() -> ProxyEnv.parse(env)).isInstanceOfSatisfying(ProxyEnvException.class, e -> {
      assertThat(e.variable()).isEqualTo(variable);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }

  @Test
  void nothingSetMeansDirect() {
    ProxyEnv p = ProxyEnv.parse(env("HTTP_PROXY", " ", "no_proxy", "example.com"));

    assertThat(p.configured()).isFalse();
    assertThat(p.proxyFor(URI.create("https://github.com/o/r"))).isEmpty();
    assertThat(p.selector().select(URI.create("http://github.com/"))).containsExactly(Proxy.NO_PROXY);
    assertThat(p.authenticator()).isEmpty();
    assertThat(p.describe()).isEqualTo("no proxy");
  }

  @Test
  void eachSchemeHasItsProxyAndOtherSchemesGoDirect() {
    ProxyEnv p = ProxyEnv.parse(env("HTTP_PROXY", "http://plain.proxy:3128", "HTTPS_PROXY", "tls.proxy:8443"));

    assertThat(p.proxyFor(URI.create("http://a.example/x"))).contains(new ProxyEndpoint("plain.proxy", 3128, null,
        null));
    assertThat(p.proxyFor(URI.create("https://a.example/x"))).contains(new ProxyEndpoint("tls.proxy", 8443, null,
        null));
    for (String other : List.of("git://a.example/r", "ssh://git@a.example/r", "socket://a.example:22")) {
      assertThat(p.proxyFor(URI.create(other))).as(other).isEmpty();
      assertThat(p.selector().select(URI.create(other))).as(other).containsExactly(Proxy.NO_PROXY);
    }
    Proxy https = p.selector().select(URI.create("https://a.example/")).getFirst();
    assertThat(https.type()).isEqualTo(Proxy.Type.HTTP);
    InetSocketAddress address = (InetSocketAddress) https.address();
    assertThat(address.isUnresolved()).as("the proxy name is resolved when connecting").isTrue();
    assertThat(address.getHostString()).isEqualTo("tls.proxy");
    assertThat(address.getPort()).isEqualTo(8443);
  }

  @Test
  void lowerCaseWinsWhenBothAreSetAndBlankCountsAsUnset() {
    ProxyEnv both = ProxyEnv.parse(env("HTTPS_PROXY", "upper:1", "https_proxy", "lower:2", "HTTP_PROXY", "up:3",
        "http_proxy", ""));

    assertThat(both.https().host()).isEqualTo("lower");
    assertThat(both.http().host()).isEqualTo("up");
    assertThat(ProxyEnv.parse(env("NO_PROXY", "upper.example", "no_proxy", "lower.example")).noProxy().describe())
        .isEqualTo("lower.example");
  }

  @Test
  void proxyUrlForms() {
    assertThat(ProxyEndpoint.parse("V", "proxy")).isEqualTo(new ProxyEndpoint("proxy", 80, null, null));
    assertThat(ProxyEndpoint.parse("V", "HTTP://Proxy.Example:3128/")).isEqualTo(
        new ProxyEndpoint("Proxy.Example", 3128, null, null));
    assertThat(ProxyEndpoint.parse("V", "http://[fd00::1]:3128")).isEqualTo(
        new ProxyEndpoint("fd00::1", 3128, null, null));
    assertThat(ProxyEndpoint.parse("V", "http://[fd00::1]:3128").display()).isEqualTo("http://[fd00::1]:3128");
    assertThat(ProxyEndpoint.parse("V", "10.0.0.1:3128").address().getHostString()).isEqualTo("10.0.0.1");
  }

  @Test
  void credentialsArePercentDecodedAndNeverShown() {
    ProxyEndpoint p = ProxyEndpoint.parse("HTTPS_PROXY", "http://bot%40corp:p%3Ass+w%C3%B6rd@proxy:3128");

    assertThat(p.username()).isEqualTo("bot@corp");
    assertThat(p.password()).isEqualTo("p:ss+wörd");
    assertThat(p.toString()).isEqualTo("http://proxy:3128 (with credentials)").doesNotContain("ss+w");
    assertThat(ProxyEndpoint.parse("V", "user@proxy")).isEqualTo(new ProxyEndpoint("proxy", 80, "user", ""));
    ProxyEnv env = ProxyEnv.parse(env("HTTPS_PROXY", "http://u:s3cret@proxy:3128", "HTTP_PROXY",
        "http://u:s3cret@proxy:3128"));
    assertThat(env.secrets()).containsExactly("s3cret");
    assertThat(env.describe()).doesNotContain("s3cret").doesNotContain("u:");
  }

  @Test
  void invalidValuesNameTheVariableAndHideThePassword() {
    assertInvalid(env("HTTPS_PROXY", "https://proxy:443"), "HTTPS_PROXY", "HTTPS_PROXY: 'https://proxy:443' has the"
        + " scheme 'https'; only http:// proxies are supported (the JDK speaks plain HTTP to a proxy and tunnels https"
        + " through it with CONNECT)");
    assertInvalid(env("http_proxy", "socks5://u:secret@proxy:1080"), "http_proxy", "http_proxy:"
        + " 'socks5://***@proxy:1080' has the scheme 'socks5'; only http:// proxies are supported (the JDK speaks"
        + " plain HTTP to a proxy and tunnels https through it with CONNECT)");
    assertInvalid(env("HTTP_PROXY", "http://proxy:0"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://proxy:0' has the port 0, not between 1 and 65535");
    assertInvalid(env("HTTP_PROXY", "http://proxy:70000"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://proxy:70000' has the port 70000, not between 1 and 65535");
    assertInvalid(env("HTTP_PROXY", "http://u:p@ss@proxy_1:80"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://***@proxy_1:80' has no host name");
    assertInvalid(env("HTTP_PROXY", "http://proxy:3128/path"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://proxy:3128/path' must be only [http://][user:password@]host[:port]");
    assertInvalid(env("HTTP_PROXY", "http://proxy:3128?x=1"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://proxy:3128?x=1' must be only [http://][user:password@]host[:port]");
    assertInvalid(env("HTTP_PROXY", "http://u:%zz@proxy"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://***@proxy' is not a URL (Malformed escape pair)");
    assertInvalid(env("HTTP_PROXY", "http://pro xy"), "HTTP_PROXY",
        "HTTP_PROXY: 'http://pro xy' is not a URL (Illegal character in authority)");
    assertInvalid(env("no_proxy", "a.example,10.0.0.0/33"), "no_proxy",
        "no_proxy: entry '10.0.0.0/33' is not a CIDR range such as 10.0.0.0/8 or fd00::/8");
    assertInvalid(env("NO_PROXY", "a.example:http"), "NO_PROXY",
        "NO_PROXY: entry 'a.example:http' has a port that is not between 1 and 65535");
    assertInvalid(env("NO_PROXY", "exa mple.com/x"), "NO_PROXY",
        "NO_PROXY: entry 'mple.com/x' is not a CIDR range such as 10.0.0.0/8 or fd00::/8");
    assertInvalid(env("NO_PROXY", "ex!ample.com"), "NO_PROXY",
        "NO_PROXY: entry 'ex!ample.com' is not a host name, domain, IP address or CIDR range");
    assertInvalid(env("NO_PROXY", "fd00::zz"), "NO_PROXY", "NO_PROXY: entry 'fd00::zz' is not a valid IPv6 address");
    assertInvalid(env("NO_PROXY", "[::1"), "NO_PROXY",
        "NO_PROXY: entry '[::1' is not [IPv6 address] or [IPv6 address]:port");
  }

  @Test
  void noProxyExemptsPerSchemeAndPort() {
    ProxyEnv p = ProxyEnv.parse(env("HTTP_PROXY", "proxy:3128", "HTTPS_PROXY", "proxy:3128",
        "NO_PROXY", "internal.example, .svc,10.0.0.0/8 [::1]:8443,git.example:443"));

    assertThat(p.proxyFor(URI.create("https://api.internal.example/x"))).isEmpty();
    assertThat(p.proxyFor(URI.create("http://kubernetes.default.svc/"))).isEmpty();
    assertThat(p.proxyFor(URI.create("http://10.1.2.3:8080/"))).isEmpty();
    assertThat(p.proxyFor(URI.create("http://11.1.2.3/"))).isPresent();
    assertThat(p.proxyFor(URI.create("https://[::1]:8443/"))).isEmpty();
    assertThat(p.proxyFor(URI.create("https://[::1]:9443/"))).isPresent();
    assertThat(p.proxyFor(URI.create("https://git.example/o/r"))).as("default port 443").isEmpty();
    assertThat(p.proxyFor(URI.create("http://git.example/o/r"))).as("port 80").isPresent();
    assertThat(p.proxyFor(URI.create("https://github.com/"))).isPresent();
    assertThat(p.describe()).isEqualTo("proxy for http: http://proxy:3128, for https: http://proxy:3128, not for"
        + " internal.example, svc, 10.0.0.0/8, [0:0:0:0:0:0:0:1]:8443, git.example:443");
  }

  @Test
  void theAuthenticatorAnswersOnlyItsProxy() throws Exception {
    ProxyEnv p = ProxyEnv.parse(env("HTTP_PROXY", "http://plain:pw1@proxy:3128", "HTTPS_PROXY",
        "http://tls:pw2@proxy:3128", "no_proxy", ""));
    Authenticator auth = p.authenticator().orElseThrow();

    assertThat(ask(auth, "proxy", 3128, "https://github.com/", Authenticator.RequestorType.PROXY))
        .isEqualTo("tls:pw2");
    assertThat(ask(auth, "PROXY", 3128, "http://github.com/", Authenticator.RequestorType.PROXY))
        .isEqualTo("plain:pw1");
    assertThat(ask(auth, "proxy", 3129, "https://github.com/", Authenticator.RequestorType.PROXY)).isNull();
    assertThat(ask(auth, "elsewhere", 3128, "https://github.com/", Authenticator.RequestorType.PROXY)).isNull();
    assertThat(ask(auth, "github.com", 443, "https://github.com/", Authenticator.RequestorType.SERVER)).isNull();
    assertThat(ProxyEnv.parse(env("HTTPS_PROXY", "proxy:3128")).authenticator()).isEmpty();
  }

  private static String ask(Authenticator auth, String host, int port, String url, Authenticator.RequestorType type)
      throws Exception {
    PasswordAuthentication a = Authenticator.requestPasswordAuthentication(auth, host, null, port, "http", "test",
        "Basic", URI.create(url).toURL(), type);
    return a == null ? null : a.getUserName() + ":" + new String(a.getPassword());
  }
}
