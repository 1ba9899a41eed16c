package io.kubeopencode.contextinit.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private CA and a server certificate it signed for 127.0.0.1 (subject alternative name IP:127.0.0.1), made with
 * the JDK's keytool: an HTTPS server that a client trusts exactly when it trusts this CA.
 *
 * @param caPem the CA certificate, PEM
 * @param serverKeystore PKCS12 with the server's key and its chain (server, CA)
 */
public record TestCa(String caPem, Path serverKeystore) {
  private static final String PASSWORD = "changeit";

  public static TestCa create(Path dir) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path server = dir.resolve("server.p12");
    Path caCert = dir.resolve("ca.pem");
    Path csr = dir.resolve("server.csr");
    Path signed = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=KubeOpenCode Test CA", "-ext", "bc:c", "-keystore", ca.toString());
    keytool("-exportcert", "-rfc", "-alias", "ca", "-file", caCert.toString(), "-keystore", ca.toString());
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-keystore", server.toString());
    keytool("-certreq", "-alias", "server", "-file", csr.toString(), "-keystore", server.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-infile", csr.toString(), "-outfile", signed.toString(),
        "-validity", "2", "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth", "-keystore", ca.toString());
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", server.toString());
    keytool("-importcert", "-alias", "server", "-file", signed.toString(), "-keystore", server.toString());
    return new TestCa(Files.readString(caCert), server);
  }

  /** TLS for {@code LocalHttpServer.https}: the CA-signed certificate. */
  public SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    if (!args[0].equals("-exportcert")) {
      command.addAll(List.of("-keypass", PASSWORD));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
