package io.kubeopencode.contextinit.url;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.podcontract.CaCertificates;
import io.kubeopencode.podcontract.PodContract;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * The Agent's CA certificates ({@code CUSTOM_CA_CERT_PATH}: a PEM bundle, or a directory of them): trusted for URL
 * downloads in addition to the JVM's own CAs, and written for the agent after the system bundle. Reading and trust
 * are {@link CaCertificates}' (shared with git-init); this names a problem as context-init reports it.
 *
 * @param path as configured
 */
public record CaBundle(Path path, List<X509Certificate> certificates) {
  private static final String VARIABLE = PodContract.ENV_CUSTOM_CA_CERT_PATH;

  public CaBundle {
    certificates = List.copyOf(certificates);
  }

  /** @throws Failure InvalidCaBundle naming the path: unreadable, not PEM/DER certificates, or none at all */
  public static CaBundle read(Path path) {
    try {
      return new CaBundle(path, CaCertificates.read(path));
    } catch (CaCertificates.InvalidException e) {
      throw new Failure(Kind.CA_BUNDLE, VARIABLE + ": " + e.path() + " " + switch (e.problem()) {
        case UNREADABLE -> "cannot be read (" + e.getCause().getClass().getSimpleName() + ")";
        case NOT_PEM -> "is not a PEM certificate bundle (" + e.getCause().getMessage() + ")";
        case EMPTY -> "holds no certificate";
      });
    }
  }

  /** TLS that trusts the JVM's default CAs and these. */
  public SSLContext sslContext() {
    try {
      return CaCertificates.sslContext(certificates);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the custom CA certificates", e);
    }
  }

  /** The JVM's default trusted certificates plus these, in one trust manager. */
  X509TrustManager trustManager() throws GeneralSecurityException {
    return CaCertificates.trustManager(certificates);
  }

  /** The certificates as PEM, one block each, as OpenSSL reads them ({@code SSL_CERT_FILE}, {@code GIT_SSL_CAINFO}). */
  public String pem() {
    return CaCertificates.pem(certificates);
  }

  static List<X509Certificate> defaultIssuers() throws GeneralSecurityException {
    return CaCertificates.jvmDefaults();
  }
}
