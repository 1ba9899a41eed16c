package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.CaCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * CUSTOM_CA_CERT_PATH: PEM certificates trusted for https in addition to the JVM's CAs (not instead of them). Reading
 * and trust are {@link CaCertificates}' (shared with context-init); this installs them for JGit.
 */
public final class CustomCa {
  private CustomCa() {}

  /** Makes the certificates in {@code path} (a PEM bundle, or a directory of them) trusted; returns how many. */
  public static int install(Path path) {
    List<X509Certificate> certs = read(path);
    try {
      SSLContext ctx = CaCertificates.sslContext(certs);
      SSLContext.setDefault(ctx);
      // JGit's default HTTP connection is HttpsURLConnection, which takes its factory from here.
      HttpsURLConnection.setDefaultSSLSocketFactory(ctx.getSocketFactory());
    } catch (GeneralSecurityException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": cannot use the certificates in "
          + path + ": " + e.getMessage());
    }
    return certs.size();
  }

  static List<X509Certificate> read(Path path) {
    try {
      return CaCertificates.read(path);
    } catch (CaCertificates.InvalidException e) {
      throw new GitInitException(Failure.CONFIG, EnvNames.CUSTOM_CA_CERT_PATH + ": " + switch (e.problem()) {
        case UNREADABLE -> (Files.isDirectory(path) ? "cannot list " : "cannot read ") + path;
        case NOT_PEM -> path + " is not a PEM certificate bundle";
        case EMPTY -> "no certificate in " + path;
      });
    }
  }
}
