package io.kubeopencode.contextinit.url;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The Agent's CA certificates ({@code CUSTOM_CA_CERT_PATH}: a PEM bundle, or a directory of them): trusted for URL
 * downloads in addition to the JVM's own CAs, and written for the agent after the system bundle.
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
    List<Path> files;
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.list(path)) {
          // Skips the kubelet's ..data internals of a mounted ConfigMap or Secret: the visible names lead there.
          files = s.filter(p -> !p.getFileName().toString().startsWith("..") && Files.isRegularFile(p)).sorted()
              .toList();
        }
      } else {
        files = List.of(path);
      }
      List<X509Certificate> certs = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate c : factory.generateCertificates(in)) {
            certs.add((X509Certificate) c);
          }
        } catch (CertificateException e) {
          throw invalid(file, "is not a PEM certificate bundle (" + e.getMessage() + ")");
        }
      }
      if (certs.isEmpty()) {
        throw invalid(path, "holds no certificate");
      }
      return new CaBundle(path, certs);
    } catch (IOException e) {
      throw invalid(path, "cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }

  private static Failure invalid(Path path, String detail) {
    return new Failure(Kind.CA_BUNDLE, VARIABLE + ": " + path + " " + detail);
  }

  /** TLS that trusts the JVM's default CAs and these. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the custom CA certificates", e);
    }
  }

  /** The JVM's default trusted certificates plus these, in one trust manager. */
  X509TrustManager trustManager() throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : defaultIssuers()) {
        store.setCertificateEntry("jvm-" + i++, c);
      }
      for (X509Certificate c : certificates) {
        store.setCertificateEntry("custom-" + i++, c);
      }
      return x509(factory(store));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** The certificates as PEM, one block each, as OpenSSL reads them ({@code SSL_CERT_FILE}, {@code GIT_SSL_CAINFO}). */
  public String pem() {
    StringBuilder out = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : certificates) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
      }
    }
    return out.toString();
  }

  static List<X509Certificate> defaultIssuers() throws GeneralSecurityException {
    return List.of(x509(factory(null)).getAcceptedIssuers());
  }

  private static TrustManagerFactory factory(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static X509TrustManager x509(TrustManagerFactory tmf) {
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the JDK's trust manager factory has no X.509 trust manager");
  }
}
