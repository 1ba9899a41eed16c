package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.contextinit.testing.LocalHttpServer;
import io.kubeopencode.contextinit.testing.RoleProcess;
import io.kubeopencode.contextinit.testing.RoleProcess.Result;
import io.kubeopencode.contextinit.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUSTOM_CA_CERT_PATH in a real context-init process: downloads from an HTTPS server on 127.0.0.1 whose certificate
 * a private CA signed, and the combined bundle written for the agent (used by curl as the agent's tools would).
 */
class CustomCaProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String COMBINED = ".kubeopencode/ca-certificates.crt";
  @TempDir
  static Path shared;
  static TestCa ca;
  static LocalHttpServer https;

  @TempDir
  Path tmp;
  Path workspace;
  Path caFile;
  Path systemBundle;

  @BeforeAll
  static void startServer() throws Exception {
    ca = TestCa.create(shared);
    https = LocalHttpServer.https(ca.serverContext()).onText("/spec.yaml", "openapi: 3.1.0\n");
  }

  @AfterAll
  static void stopServer() {
    https.close();
  }

  @BeforeEach
  void layout() throws Exception {
    workspace = Files.createDirectory(tmp.resolve("workspace"));
    caFile = Files.writeString(tmp.resolve("ca-bundle.crt"), ca.caPem());
    // A stand-in for the image's /etc/ssl/certs/ca-certificates.crt: two of the JVM's public CAs.
    systemBundle = Files.writeString(tmp.resolve("system.crt"), "# system bundle\n" + pem(jvmCas().subList(0, 2)));
  }

  private Result run(String... pairs) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("WORKSPACE_DIR", workspace.toString());
    env.put("CONFIGMAP_PATH", Files.createDirectories(tmp.resolve("context")).toString());
    env.put("TERMINATION_LOG_PATH", tmp.resolve("termination-log").toString());
    env.put("URL_CONTEXTS", "[{\"source\":\"" + https.url("/spec.yaml") + "\",\"targetPath\":\"" + workspace
        + "/spec.yaml\"}]");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return RoleProcess.run(tmp.resolve("logs"), env, TIMEOUT, "context-init");
  }

  @Test
  void withoutTheCustomCaTheDownloadFailsAndNothingIsCombined() throws Exception {
    Result result = run("SYSTEM_CA_BUNDLE", systemBundle.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("termination-log"))).startsWith("UrlTls: URL context 0: "
        + https.url("/spec.yaml") + ": TLS failed: ");
    assertThat(workspace.resolve(COMBINED)).doesNotExist();
  }

  @Test
  void theCustomCaIsTrustedForDownloadsAndCombinedAfterTheSystemBundle() throws Exception {
    Result result = run("CUSTOM_CA_CERT_PATH", caFile.toString(), "SYSTEM_CA_BUNDLE", systemBundle.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(workspace.resolve("spec.yaml")).hasContent("openapi: 3.1.0");
    Path combined = workspace.resolve(COMBINED);
    String text = Files.readString(combined);
    assertThat(text).startsWith(Files.readString(systemBundle));
    assertThat(certificates(combined)).containsExactlyElementsOf(Stream.concat(certificates(systemBundle).stream(),
        certificates(caFile).stream()).toList());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(combined, LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rw-rw-rw-");
    assertThat(result.stdout()).contains("context-init: wrote " + combined + " (" + Files.size(combined)
        + " bytes): the system CA bundle " + systemBundle + " and 1 certificate(s) from " + caFile);
    try (Stream<Path> left = Files.list(workspace.resolve(".kubeopencode"))) {
      assertThat(left).as("no temporary file left").hasSize(1);
    }
    // What the agent's SSL_CERT_FILE / GIT_SSL_CAINFO would do with it: curl trusts the server through it.
    // Only this last check needs curl (installed on the project's machines and CI); the assertions above ran already.
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is installed");
    Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--noproxy", "*", "--cacert", combined.toString(),
        https.url("/spec.yaml")).redirectErrorStream(true).start();
    String fetched = new String(curl.getInputStream().readAllBytes());
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(fetched).isZero();
    assertThat(fetched).isEqualTo("openapi: 3.1.0\n");
  }

  @Test
  void withoutASystemBundleOnlyTheCustomCertificatesAreWrittenWithAWarning() throws Exception {
    Path missing = tmp.resolve("no-such-bundle.crt");

    Result result = run("CUSTOM_CA_CERT_PATH", tmp.toString() + "/./ca-bundle.crt", "SYSTEM_CA_BUNDLE",
        missing.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(certificates(workspace.resolve(COMBINED))).isEqualTo(certificates(caFile));
    assertThat(result.stdout()).contains("context-init: warning: no system CA bundle at " + missing
        + " (SYSTEM_CA_BUNDLE): .kubeopencode/ca-certificates.crt gets only the certificates of " + caFile);
  }

  @Test
  void anUnusableBundleFailsNamingItsPathBeforeAnythingIsWritten() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.crt"), "this is no certificate\n");

    Result result = run("CUSTOM_CA_CERT_PATH", bad.toString(), "SYSTEM_CA_BUNDLE", systemBundle.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("termination-log")))
        .isEqualTo("InvalidCaBundle: CUSTOM_CA_CERT_PATH: " + bad + " is not a PEM certificate bundle (No"
            + " certificate data found)");
    try (Stream<Path> entries = Files.list(workspace)) {
      assertThat(entries).isEmpty();
    }
    Result relative = run("CUSTOM_CA_CERT_PATH", "ca/bundle.crt");
    assertThat(relative.exitCode()).isEqualTo(3);
    assertThat(Files.readString(tmp.resolve("termination-log")))
        .isEqualTo("InvalidConfig: CUSTOM_CA_CERT_PATH must be an absolute path, not 'ca/bundle.crt'");
  }

  private static List<X509Certificate> jvmCas() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((java.security.KeyStore) null);
    return List.of(((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers());
  }

  private static String pem(List<X509Certificate> certs) throws Exception {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certs) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  private static List<X509Certificate> certificates(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
    }
  }
}
