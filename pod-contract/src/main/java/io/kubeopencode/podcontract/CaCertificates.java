package io.kubeopencode.podcontract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
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
 * The Agent's CA certificates ({@link PodContract#ENV_CUSTOM_CA_CERT_PATH}: a PEM bundle, or a directory of them),
 * trusted in addition to the JVM's own CAs, never instead. Shared by git-init and context-init, which each name a
 * problem in their own words. JDK only.
 */
public final class CaCertificates {
  private CaCertificates() {}

  /** Why certificates could not be read. */
  public enum Problem { UNREADABLE, NOT_PEM, EMPTY }

  /** A bundle that cannot be used; {@code path} is the file (or directory) concerned. */
  public static final class InvalidException extends Exception {
    private final Problem problem;
    private final Path path;

    InvalidException(Problem problem, Path path, Exception cause) {
      super(problem + " " + path, cause);
      this.problem = problem;
      this.path = path;
    }

    public Problem problem() {
      return problem;
    }

    public Path path() {
      return path;
    }
  }

  /** The certificates of a PEM (or DER) bundle, or of every file of a directory in name order. */
  public static List<X509Certificate> read(Path path) throws InvalidException {
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
          throw new InvalidException(Problem.NOT_PEM, file, e);
        }
      }
      if (certs.isEmpty()) {
        throw new InvalidException(Problem.EMPTY, path, null);
      }
      return List.copyOf(certs);
    } catch (IOException e) {
      throw new InvalidException(Problem.UNREADABLE, path, e);
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }

  /** TLS that trusts the JVM's default CAs and {@code certificates}. */
  public static SSLContext sslContext(List<X509Certificate> certificates) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustManager(certificates)}, null);
    return context;
  }

  /** The JVM's default trusted certificates plus {@code certificates}, in one trust manager. */
  public static X509TrustManager trustManager(List<X509Certificate> certificates) throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : jvmDefaults()) {
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

  /** The CAs the JVM trusts by itself. */
  public static List<X509Certificate> jvmDefaults() throws GeneralSecurityException {
    return List.of(x509(factory(null)).getAcceptedIssuers());
  }

  /** The certificates as PEM, one block each, as OpenSSL reads them ({@code SSL_CERT_FILE}, {@code GIT_SSL_CAINFO}). */
  public static String pem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : certificates) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
      }
    }
    return out.toString();
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
