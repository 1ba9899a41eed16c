package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.RemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
  private static final String URL = "https://git.example.com/org/repo.git";
  private final TransportEvents events = new TransportEvents();
  private final FailureClassifier classifier = new FailureClassifier(RepoUrl.parse(URL), false, events,
      new Redactor(List.of("hunter22")), null);

  private GitInitException classify(Throwable t) {
    return classifier.classify(t);
  }

  @Test
  void authentication() throws Exception {
    URIish uri = new URIish(URL);
    GitInitException e = classify(new TransportException(uri, "not authorized"));
    assertThat(e.failure()).isEqualTo(Failure.AUTH);
    assertThat(e.getMessage()).isEqualTo("authentication failed for " + URL);
    assertThat(classifier.isTransient(new TransportException(uri, "not authorized"))).isFalse();
    assertThat(classify(new TransportException(uri, "git-upload-pack not permitted on 'x'")).getMessage())
        .isEqualTo("access denied for " + URL);
  }

  @Test
  void networkTroubleIsTransient() throws Exception {
    TransportException refused = new TransportException("connection failed", new ConnectException("refused"));
    assertThat(classifier.isTransient(refused)).isTrue();
    assertThat(classify(refused).getMessage()).isEqualTo("cannot reach " + URL + ": connection refused");
    assertThat(classify(new TransportException("x", new UnknownHostException("git.example.com"))).getMessage())
        .isEqualTo("cannot reach " + URL + ": unknown host git.example.com");
    TransportException busy = new TransportException(new URIish(URL), "503 Service Unavailable");
    assertThat(classifier.isTransient(busy)).isTrue();
    assertThat(classifier.isTransient(new TransportException(new URIish(URL), "404 Not Found"))).isFalse();
  }

  @Test
  void missingRepository() throws Exception {
    assertThat(classify(new NoRemoteRepositoryException(new URIish(URL), "not found")).failure())
        .isEqualTo(Failure.REPO_NOT_FOUND);
    assertThat(classify(new RemoteRepositoryException(new URIish(URL), "no such repository: /r.git")).failure())
        .isEqualTo(Failure.REPO_NOT_FOUND);
  }

  @Test
  void tls() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertificateException("unable to find valid certification path"));
    Throwable untrusted = new TransportException("ssl", handshake);
    GitInitException e = classify(untrusted);
    assertThat(e.failure()).isEqualTo(Failure.TLS);
    assertThat(e.getMessage()).isEqualTo("TLS certificate not trusted for " + URL
        + " (give its CA in CUSTOM_CA_CERT_PATH)");
    assertThat(classifier.isTransient(untrusted)).isFalse();
  }

  @Test
  void rejectedHostKeyWinsOverWhatTheExceptionSays() {
    events.hostKeyRejected("[git.example.com]:2222");
    GitInitException e = classify(new TransportException("session closed", new IOException("closed")));
    assertThat(e.failure()).isEqualTo(Failure.HOST_KEY_NOT_TRUSTED);
    assertThat(e.getMessage()).isEqualTo("ssh host key not trusted for [git.example.com]:2222: set GIT_SSH_KNOWN_HOSTS");
  }

  @Test
  void anythingElseKeepsItsRedactedReason() {
    GitInitException e = classify(new IllegalStateException("weird hunter22 state"));
    assertThat(e.failure()).isEqualTo(Failure.INTERNAL);
    assertThat(e.getMessage()).isEqualTo("clone of " + URL + " failed: weird *** state");
  }

  @Test
  void throughAProxyTheMessagesNameIt() throws Exception {
    FailureClassifier viaProxy = new FailureClassifier(RepoUrl.parse(URL), false, events, Redactor.none(),
        "http://proxy:3128");
    GitInitException tunnel = viaProxy.classify(new TransportException(URL, new IOException(
        "Unable to tunnel through proxy. Proxy returns \"HTTP/1.1 407 Proxy Authentication Required\"")));
    assertThat(tunnel.failure()).isEqualTo(Failure.AUTH);
    assertThat(tunnel.getMessage()).isEqualTo("proxy authentication failed for " + URL
        + " (through the proxy http://proxy:3128)");
    assertThat(viaProxy.isTransient(tunnel)).isFalse();
    assertThat(viaProxy.classify(new TransportException(new URIish(URL), "407 Proxy Authentication Required"))
        .failure()).isEqualTo(Failure.AUTH);
    assertThat(viaProxy.classify(new TransportException("x", new ConnectException("refused"))).getMessage())
        .isEqualTo("cannot reach " + URL + ": connection refused (through the proxy http://proxy:3128)");
  }
}
