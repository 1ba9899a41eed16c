package io.kubeopencode.contextinit.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlRulesTest {

  @Test
  void httpAndHttpsSourcesAreAccepted() {
    assertThat(UrlRules.source(" https://example.com/a?b=c ", "u")).hasToString("https://example.com/a?b=c");
    assertThat(UrlRules.source("HTTP://example.com", "u").getHost()).isEqualTo("example.com");
  }

  @ParameterizedTest
  @CsvSource(quoteCharacter = '"', value = {
      "file:///etc/passwd, \"UrlRefused: u: only http and https URLs are fetched, not file\"",
      "ftp://h/x, \"UrlRefused: u: only http and https URLs are fetched, not ftp\"",
      "/relative, UrlRefused: u: only http and https URLs are fetched (no scheme)",
      "http:///nohost, UrlRefused: u: the URL has no host",
      "\"https://user:s3cret@example.com/p?token=abc\", \"UrlRefused: u: the URL https://example.com/p?... contains "
          + "credentials; put them in the context's Secret instead\"",
      "\"http://exa mple.com\", UrlRefused: u: not a valid URL: Illegal character in authority at index 10",
      "\"\", UrlRefused: u: the source URL is empty",
  })
  void otherSourcesAreRefusedWithoutQuotingThem(String source, String message) {
    assertThatThrownBy(() -> UrlRules.source(source, "u"))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.URL_REFUSED))
        .hasMessage(message);
  }

  @Test
  void redactionDropsUserInfoQueryAndFragment() {
    assertThat(UrlRules.redact(URI.create("https://u:p@h.example:8443/a/b?sig=xyz#frag")))
        .isEqualTo("https://h.example:8443/a/b?...");
    assertThat(UrlRules.redact(URI.create("http://h"))).isEqualTo("http://h/");
  }

  @Test
  void originIsSchemeHostAndEffectivePort() {
    URI original = URI.create("https://api.example.com/x");
    assertThat(UrlRules.sameOrigin(original, URI.create("https://API.example.com:443/y"))).isTrue();
    assertThat(UrlRules.sameOrigin(original, URI.create("https://cdn.example.com/y"))).isFalse();
    assertThat(UrlRules.sameOrigin(original, URI.create("http://api.example.com/y"))).isFalse();
    assertThat(UrlRules.sameOrigin(original, URI.create("https://api.example.com:8443/y"))).isFalse();
    assertThat(UrlRules.sameOrigin(URI.create("http://h/"), URI.create("http://h:80/z"))).isTrue();
  }

  @Test
  void redirectsResolveRelativeLocationsAndAreCheckedLikeSources() {
    URI current = URI.create("https://h.example/a/b?q=1");
    assertThat(UrlRules.redirectTarget(current, "c", "u")).hasToString("https://h.example/a/c");
    assertThat(UrlRules.redirectTarget(current, "/root", "u")).hasToString("https://h.example/root");
    assertThat(UrlRules.redirectTarget(current, "//other.example/x", "u")).hasToString("https://other.example/x");
    assertThatThrownBy(() -> UrlRules.redirectTarget(current, "file:///etc/passwd", "u"))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.URL_REDIRECT))
        .hasMessage("UrlRedirect: u: redirect from https://h.example/a/b?...: only http and https URLs are fetched, "
            + "not file");
    assertThatThrownBy(() -> UrlRules.redirectTarget(current, null, "u"))
        .hasMessage("UrlRedirect: u: redirect from https://h.example/a/b?... without a Location");
    assertThatThrownBy(() -> UrlRules.redirectTarget(current, "http://a:b@evil/", "u"))
        .hasMessageContaining("contains credentials").hasMessageNotContaining("a:b");
  }

  @Test
  void statusClasses() {
    assertThat(UrlRules.isSuccess(200)).isTrue();
    assertThat(UrlRules.isSuccess(204)).isTrue();
    assertThat(UrlRules.isSuccess(304)).isFalse();
    assertThat(UrlRules.isRedirect(301)).isTrue();
    assertThat(UrlRules.isRedirect(308)).isTrue();
    assertThat(UrlRules.isRedirect(300)).isFalse();
    assertThat(UrlRules.isRedirect(304)).isFalse();
  }

  @Test
  void headersAreCheckedByNameNeverQuotingValues() {
    assertThat(UrlRules.headerProblem(null)).isNull();
    assertThat(UrlRules.headerProblem(Map.of("Accept", "text/plain", "X-Tab", "a\tb"))).isNull();
    assertThat(UrlRules.headerProblem(Map.of("Bad Name", "x"))).isEqualTo(
        "header name 'Bad Name' is not a valid HTTP header name");
    assertThat(UrlRules.headerProblem(Map.of("content-length", "1"))).isEqualTo(
        "header 'content-length' is set by the HTTP client and cannot be configured");
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("X", null);
    assertThat(UrlRules.headerProblem(nullValue)).isEqualTo("header 'X' has no value");
    assertThat(UrlRules.headerProblem(Map.of("X-Secret", "tok\nen"))).isEqualTo(
        "the value of header 'X-Secret' contains a line break or control character").doesNotContain("tok");
  }
}
