package io.kubeopencode.podcontract;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** NO_PROXY matching against independent reference rules, for random names, addresses, ranges and ports. */
class NoProxyPropertyTest {
  private static final int ANY_PORT = 443;

  private static NoProxy parse(String value) {
    return NoProxy.parse("NO_PROXY", value);
  }

  @Provide
  Arbitrary<String> labels() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMinLength(1).ofMaxLength(8);
  }

  @Provide
  Arbitrary<String> names() {
    return labels().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
  }

  @Property(tries = 500)
  void aNameAndEveryNameUnderItMatchEachFormOfTheEntry(@ForAll("names") String domain,
      @ForAll @Size(max = 3) List<@From("labels") String> sub, @ForAll @IntRange(max = 3) int form,
      @ForAll boolean upperCase) {
    String host = sub.isEmpty() ? domain : String.join(".", sub) + "." + domain;
    String entry = switch (form) {
      case 0 -> domain;
      case 1 -> "." + domain;
      case 2 -> "*." + domain;
      default -> domain.toUpperCase(Locale.ROOT) + ".";
    };
    Assume.that(NoProxy.ipLiteral(domain) == null);

    assertThat(parse(entry).matches(upperCase ? host.toUpperCase(Locale.ROOT) : host, ANY_PORT)).isTrue();
  }

  @Property(tries = 500)
  void aNameMatchesOnlyItselfAndWhatLiesBelowAtADot(@ForAll("names") String host, @ForAll("names") String domain) {
    boolean expected = host.equals(domain) || host.endsWith("." + domain);
    Assume.that(NoProxy.ipLiteral(host) == null && NoProxy.ipLiteral(domain) == null);

    assertThat(parse(domain).matches(host, ANY_PORT)).isEqualTo(expected);
    assertThat(parse(domain).matches("x" + domain, ANY_PORT)).as("no match inside a label").isFalse();
  }

  @Property(tries = 1000)
  void ipv4RangesMatchExactlyTheAddressesWithTheirPrefix(@ForAll int network, @ForAll int noise,
      @ForAll @IntRange(max = 32) int prefix, @ForAll boolean near) {
    // Half the time the address differs from the network only after the prefix, so both outcomes are common.
    int address = near ? (prefix == 32 ? network : network ^ (noise >>> prefix)) : noise;
    boolean expected = prefix == 0 || (address >>> (32 - prefix)) == (network >>> (32 - prefix));

    assertThat(parse(ipv4(network) + "/" + prefix).matches(ipv4(address), ANY_PORT)).isEqualTo(expected);
    assertThat(parse(ipv4(network)).matches(ipv4(address), ANY_PORT)).isEqualTo(address == network);
  }

  @Property(tries = 500)
  void ipv6RangesMatchExactlyTheAddressesWithTheirPrefix(@ForAll @Size(16) byte[] network,
      @ForAll @Size(16) byte[] noise, @ForAll @IntRange(max = 128) int prefix, @ForAll boolean near,
      @ForAll boolean brackets) {
    BigInteger net = new BigInteger(1, network);
    BigInteger mask = BigInteger.ONE.shiftLeft(128 - prefix).subtract(BigInteger.ONE);
    BigInteger address = near ? net.xor(new BigInteger(1, noise).and(mask)) : new BigInteger(1, noise);
    boolean expected = address.shiftRight(128 - prefix).equals(net.shiftRight(128 - prefix));
    String host = ipv6(address);
    // The JDK turns ::ffff:a.b.c.d into an IPv4 address.
    Assume.that(host.indexOf(':') >= 0 && ipv6(net).indexOf(':') >= 0);

    NoProxy range = parse(ipv6(net) + "/" + prefix);
    assertThat(range.matches(brackets ? "[" + host + "]" : host, ANY_PORT)).isEqualTo(expected);
  }

  @Property(tries = 300)
  void namesAndAddressesNeverMatchEachOther(@ForAll int address, @ForAll @IntRange(min = 1, max = 3) int keep) {
    String ip = ipv4(address);
    String suffix = String.join(".", List.of(ip.split("\\.")).subList(4 - keep, 4));

    assertThat(parse(suffix).matches(ip, ANY_PORT)).as("'%s' is a name, not a suffix of %s", suffix, ip).isFalse();
  }

  @Property(tries = 300)
  void aPortLimitsItsEntry(@ForAll("names") String domain, @ForAll @IntRange(min = 1, max = 65535) int entryPort,
      @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll boolean same) {
    int requested = same ? entryPort : port;
    Assume.that(NoProxy.ipLiteral(domain) == null);

    assertThat(parse(domain + ":" + entryPort).matches("a." + domain, requested)).isEqualTo(requested == entryPort);
    assertThat(parse("[::1]:" + entryPort).matches("::1", requested)).isEqualTo(requested == entryPort);
    assertThat(parse(domain).matches(domain, requested)).isTrue();
  }

  @Provide
  Arbitrary<String> entries() {
    Arbitrary<String> range = Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 32))
        .as((a, p) -> ipv4(a) + "/" + p);
    Arbitrary<String> address = Arbitraries.integers().map(NoProxyPropertyTest::ipv4);
    return Arbitraries.oneOf(names(), names().map(n -> "." + n), range, address);
  }

  @Property(tries = 300)
  void aListMatchesWhenOneOfItsEntriesDoes(@ForAll @Size(max = 6) List<@From("entries") String> entries,
      @ForAll("separators") List<String> separators, @ForAll("names") String name, @ForAll int address) {
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < entries.size(); i++) {
      value.append(separators.isEmpty() ? "," : separators.get(i % separators.size())).append(entries.get(i));
    }
    for (String host : List.of(name, ipv4(address), "www." + name)) {
      boolean any = entries.stream().anyMatch(e -> parse(e).matches(host, ANY_PORT));
      assertThat(parse(value.toString()).matches(host, ANY_PORT)).isEqualTo(any);
      assertThat(parse(value + ",*").matches(host, ANY_PORT)).isTrue();
    }
  }

  @Provide
  Arbitrary<List<String>> separators() {
    return Arbitraries.of(",", ", ", " ", ",,", "\t,").list().ofMaxSize(3);
  }

  private static String ipv4(int a) {
    return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
  }

  private static String ipv6(BigInteger a) {
    byte[] raw = a.toByteArray();
    byte[] bytes = new byte[16];
    int n = Math.min(raw.length, 16);
    System.arraycopy(raw, raw.length - n, bytes, 16 - n, n);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
