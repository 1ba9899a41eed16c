package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

class RepoUrlTest {
  @Test
  void httpsCredentialsAreTakenOutOfTheUrl() {
    RepoUrl url = RepoUrl.parse("https://bot:s3cret@git.example.com/org/repo.git");

    assertThat(url.scheme()).isEqualTo(RepoUrl.Scheme.HTTPS);
    assertThat(url.display()).isEqualTo("https://git.example.com/org/repo.git");
    assertThat(url.urlUser()).isEqualTo("bot");
    assertThat(url.urlPassword()).isEqualTo("s3cret");
    assertThat(url.toString()).doesNotContain("s3cret").doesNotContain("bot");
  }

  @Test
  void sshKeepsItsUserButNeverAPassword() {
    assertThat(RepoUrl.parse("git@github.com:org/repo.git").display()).isEqualTo("git@github.com:org/repo.git");
    assertThat(RepoUrl.parse("git@github.com:org/repo.git").scheme()).isEqualTo(RepoUrl.Scheme.SSH);
    RepoUrl withPassword = RepoUrl.parse("ssh://git:pw1234@host:2222/org/repo.git");
    assertThat(withPassword.display()).isEqualTo("ssh://git@host:2222/org/repo.git");
    assertThat(withPassword.urlPassword()).isEqualTo("pw1234");
  }

  @Test
  void localMirrors() {
    assertThat(RepoUrl.parse("git://mirror:9418/repo.git").scheme()).isEqualTo(RepoUrl.Scheme.GIT);
    assertThat(RepoUrl.parse("file:///srv/git/repo.git").scheme()).isEqualTo(RepoUrl.Scheme.FILE);
    assertThat(RepoUrl.parse("/srv/git/repo.git").scheme()).isEqualTo(RepoUrl.Scheme.FILE);
  }

  @Test
  void credentialsStayOnTheSameServer() throws Exception {
    RepoUrl url = RepoUrl.parse("https://git.example.com/org/repo.git");

    assertThat(url.sameServer(new URIish("https://git.example.com/org/sub.git"))).isTrue();
    assertThat(url.sameServer(new URIish("https://GIT.example.com:443/org/sub.git"))).isTrue();
    assertThat(url.sameServer(new URIish("https://evil.example.org/org/repo.git"))).isFalse();
    assertThat(RepoUrl.parse("http://h:8080/r").sameServer(new URIish("http://h:9090/r"))).isFalse();
  }
}
