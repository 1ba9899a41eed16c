package io.kubeopencode.gitinit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** CUSTOM_CA_CERT_PATH: PEM certificates trusted for https in addition to the JVM's CAs (not instead of them). */
public final class CustomCa {
  private CustomCa() {}

  /** Makes the certificates in {@code path} (a PEM bundle, or a directory of them) trusted; returns how many. */
  public static int install(Path path) {
    List<X509Certificate> certs = read(path);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : jvmDefaults()) {
        store.setCertificateEntry("jvm-" + i++, c);
      }
      for (X509Certificate c : certs) {
        store.setCertificateEntry("custom-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      SSLContext.setDefault(ctx);
      // JGit's default HTTP connection is HttpsURLConnection, which takes its factory from here.
      HttpsURLConnection.setDefaultSSLSocketFactory(ctx.getSocketFactory());
    } catch (GeneralSecurityException | IOException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": cannot use the certificates in "
          + path + ": " + e.getMessage());
    }
    return certs.size();
  }

  static List<X509Certificate> read(Path path) {
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": cannot list " + path);
      }
    } else if (Files.isReadable(path)) {
      files = List.of(path);
    } else {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": cannot read " + path);
    }
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          for (Certificate c : cf.generateCertificates(in)) {
            certs.add((X509Certificate) c);
          }
        }
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": " + path
          + " is not a PEM certificate bundle");
    }
    if (certs.isEmpty()) {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": no certificate in " + path);
    }
    return certs;
  }

  private static List<X509Certificate> jvmDefaults() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    List<X509Certificate> list = new ArrayList<>();
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        list.addAll(List.of(x.getAcceptedIssuers()));
      }
    }
    return list;
  }
}
