package io.kubeopencode.contextinit.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading CUSTOM_CA_CERT_PATH, and trusting it besides the JVM's CAs. */
class CaBundleTest {
  @TempDir
  static Path shared;
  static TestCa ca;

  @TempDir
  Path tmp;

  @BeforeAll
  static void makeCa() throws Exception {
    ca = TestCa.create(shared);
  }

  private static void assertInvalid(Path path, String detail) {
    assertThatThrownBy(() -> CaBundle.read(path)).isInstanceOfSatisfying(Failure.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.CA_BUNDLE);
      assertThat(e.getMessage()).isEqualTo("InvalidCaBundle: CUSTOM_CA_CERT_PATH: " + path + " " + detail);
    });
  }

  @Test
  void aFileOrADirectoryOfThem() throws Exception {
    Path file = Files.writeString(tmp.resolve("bundle.pem"), "# comment\n" + ca.caPem() + ca.caPem());
    assertThat(CaBundle.read(file).certificates()).hasSize(2);

    Path dir = Files.createDirectories(tmp.resolve("dir/..2025_01_01"));
    Files.writeString(dir.resolve("ignored.pem"), "not looked at: a kubelet internal");
    Files.writeString(tmp.resolve("dir/a.crt"), ca.caPem());
    Files.writeString(tmp.resolve("dir/b.crt"), ca.caPem());
    CaBundle bundle = CaBundle.read(tmp.resolve("dir"));
    assertThat(bundle.certificates()).hasSize(2);
    assertThat(bundle.pem()).startsWith("-----BEGIN CERTIFICATE-----\nMII").endsWith("\n-----END CERTIFICATE-----\n");
    Path again = Files.writeString(tmp.resolve("again.pem"), bundle.pem());
    assertThat(CaBundle.read(again).certificates()).isEqualTo(bundle.certificates());
  }

  @Test
  void unusableBundlesAreNamedErrors() throws Exception {
    assertInvalid(tmp.resolve("missing.pem"), "cannot be read (NoSuchFileException)");
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
        + "-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> CaBundle.read(garbage)).hasMessageStartingWith("InvalidCaBundle: CUSTOM_CA_CERT_PATH: "
        + garbage + " is not a PEM certificate bundle (");
    assertInvalid(Files.writeString(tmp.resolve("empty.pem"), ""), "holds no certificate");
    assertInvalid(Files.createDirectory(tmp.resolve("empty-dir")), "holds no certificate");
  }

  @Test
  void theCustomCasAreTrustedBesidesTheJvmsNotInstead() throws Exception {
    CaBundle bundle = CaBundle.read(Files.writeString(tmp.resolve("ca.pem"), ca.caPem()));
    List<X509Certificate> trusted = List.of(bundle.trustManager().getAcceptedIssuers());

    List<X509Certificate> jvm = CaBundle.defaultIssuers();
    assertThat(jvm).as("the JVM's own CAs").hasSizeGreaterThan(10);
    assertThat(trusted).containsAll(jvm).containsAll(bundle.certificates()).hasSize(jvm.size() + 1);
  }
}
