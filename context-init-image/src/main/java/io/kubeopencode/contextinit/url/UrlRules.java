package io.kubeopencode.contextinit.url;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Which URLs are fetched, how they are shown in logs, and where credentials may go. Pure. */
public final class UrlRules {
  public static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /** RFC 9110 token characters. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** Set by the HTTP client itself; the JDK refuses them (and the secret sets Authorization). */
  private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
      "upgrade");

  private UrlRules() {}

  /**
   * Parses a URL context's source: http or https with a host, and no credentials in it (they belong in the
   * context's Secret, and would end up in logs and the Task's YAML).
   *
   * @param what names the URL in messages; the URL itself is never quoted unredacted
   */
  public static URI source(String raw, String what) {
    if (raw == null || raw.isBlank()) {
      throw new Failure(Kind.URL_REFUSED, what + ": the source URL is empty");
    }
    URI uri;
    try {
      uri = new URI(raw.strip());
    } catch (URISyntaxException e) {
      // The reason and index only: the input may hold a token.
      throw new Failure(Kind.URL_REFUSED, what + ": not a valid URL: " + e.getReason() + " at index " + e.getIndex());
    }
    return checked(uri, what, Kind.URL_REFUSED);
  }

  /** The URL a redirect leads to, resolved against the current one and checked like a source. */
  public static URI redirectTarget(URI current, String location, String what) {
    if (location == null || location.isBlank()) {
      throw new Failure(Kind.URL_REDIRECT, what + ": redirect from " + redact(current) + " without a Location");
    }
    URI next;
    try {
      next = current.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new Failure(Kind.URL_REDIRECT, what + ": redirect from " + redact(current) + " to an invalid Location");
    }
    return checked(next, what + ": redirect from " + redact(current), Kind.URL_REDIRECT);
  }

  private static URI checked(URI uri, String what, Kind kind) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Failure(kind, what + ": only http and https URLs are fetched"
          + (scheme.isEmpty() ? " (no scheme)" : ", not " + scheme));
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new Failure(kind, what + ": the URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new Failure(kind, what + ": the URL " + redact(uri) + " contains credentials; put them in the "
          + "context's Secret instead");
    }
    return uri;
  }

  public static boolean isRedirect(int status) {
    return REDIRECTS.contains(status);
  }

  public static boolean isSuccess(int status) {
    return status >= 200 && status <= 299;
  }

  /**
   * Same scheme, host and port: only then are the credentials and configured headers of the original URL sent.
   * Stricter than "same host": a redirect to another port or from https to http is another origin too.
   */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  /**
   * The URL as logs and messages show it: no user info, no query (signed URLs carry tokens there), no fragment.
   */
  public static String redact(URI uri) {
    StringBuilder out = new StringBuilder();
    out.append(Objects.requireNonNullElse(uri.getScheme(), "?")).append("://")
        .append(Objects.requireNonNullElse(uri.getHost(), "?"));
    if (uri.getPort() >= 0) {
      out.append(':').append(uri.getPort());
    }
    out.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      out.append("?...");
    }
    return out.toString();
  }

  /** Checks a URL context's configured headers; null when fine, else why not (names only, never values). */
  public static String headerProblem(Map<String, String> headers) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey();
      if (name == null || !HEADER_NAME.matcher(name).matches()) {
        return "header name '" + name + "' is not a valid HTTP header name";
      }
      if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        return "header '" + name + "' is set by the HTTP client and cannot be configured";
      }
      String value = h.getValue();
      if (value == null) {
        return "header '" + name + "' has no value";
      }
      if (!printable(value)) {
        return "the value of header '" + name + "' contains a line break or control character";
      }
    }
    return null;
  }

  /** Whether a header value has no control character other than tab (no line breaks: no header injection). */
  static boolean printable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }
}
