package io.kubeopencode.contextinit;

/**
 * A named error: the message starts with the kind ("MissingKey: ...") so the one line the controller shows in the
 * Task's condition says what went wrong. Messages never contain a secret or a URL's credentials or query.
 */
public class Failure extends RuntimeException {

  /** What went wrong; {@link #label()} is the name shown. */
  public enum Kind {
    /** An environment variable is malformed (bad JSON, missing field, bad number). */
    INVALID_CONFIG("InvalidConfig"),
    /** A mapped ConfigMap key is not in the mounted ConfigMap. */
    MISSING_KEY("MissingKey"),
    /** The ConfigMap volume is not mounted where CONFIGMAP_PATH says. */
    MISSING_VOLUME("MissingVolume"),
    /** A target or source path would leave its allowed root. */
    PATH_REFUSED("PathRefused"),
    /** A path component that must be a directory is not one. */
    NOT_A_DIRECTORY("NotADirectory"),
    /** An allowed root (the workspace, an ALLOWED_ROOTS entry) does not exist. */
    MISSING_ROOT("MissingRoot"),
    /** The URL itself is refused before any request: scheme, credentials in it, syntax. */
    URL_REFUSED("UrlRefused"),
    /** No connection, DNS failure, connection reset. */
    URL_UNREACHABLE("UrlUnreachable"),
    URL_TIMEOUT("UrlTimeout"),
    URL_TLS("UrlTls"),
    /** The server answered with a status other than 2xx or a redirect. */
    URL_HTTP_STATUS("UrlHttpStatus"),
    /** The body is larger than URL_MAX_BYTES. */
    URL_TOO_LARGE("UrlTooLarge"),
    /** Too many redirects, a redirect without Location, or to a refused URL. */
    URL_REDIRECT("UrlRedirect"),
    /** The proxy cannot be reached, or wants credentials it was not given (HTTP 407). */
    URL_PROXY("UrlProxy"),
    /** CUSTOM_CA_CERT_PATH cannot be read or holds no certificate. */
    CA_BUNDLE("InvalidCaBundle"),
    /** Reading or writing a file failed (permissions, disk full, ...). */
    IO_ERROR("IoError");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** A problem of the remote side or the URL: what an optional URL context is skipped for. */
    public boolean remote() {
      return name().startsWith("URL_");
    }
  }

  private final Kind kind;
  private final String detail;

  public Failure(Kind kind, String detail) {
    this(kind, detail, null);
  }

  public Failure(Kind kind, String detail, Throwable cause) {
    super(kind.label() + ": " + detail, cause);
    this.kind = kind;
    this.detail = detail;
  }

  /** The message without the kind's name. */
  public String detail() {
    return detail;
  }

  public Kind kind() {
    return kind;
  }
}
