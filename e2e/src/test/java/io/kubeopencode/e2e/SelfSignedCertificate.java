package io.kubeopencode.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A self-signed certificate for one IP address, made with the JDK's keytool: a PKCS12 key store and its PEM. */
record SelfSignedCertificate(Path keystore, String pem) {
  static final String STORE_PASSWORD = "e2e-store";

  static SelfSignedCertificate forIp(String ip, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path keystore = dir.resolve("server-" + ip + ".p12");
    Files.deleteIfExists(keystore);
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=kubeopencode-e2e", "-ext", "san=ip:" + ip, "-ext", "bc:c", "-validity", "2",
        "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-storetype", "PKCS12");
    String pem = keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(),
        "-storepass", STORE_PASSWORD);
    return new SelfSignedCertificate(keystore, pem);
  }

  private static String keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed (its error is in the test output above)");
    }
    return output;
  }
}
