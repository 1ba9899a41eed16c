package io.kubeopencode.gitinit;

import static io.kubeopencode.gitinit.GitCli.git;
import static io.kubeopencode.gitinit.GitInitProcess.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.ListeningSockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git-init as a process against an Apache MINA sshd server: public-key login and strict known_hosts checking. */
class SshCloneTest {
  @TempDir
  static Path shared;
  static TestRepositories repos;
  static Repository served;
  static SshTestGitServer server;
  static int port;
  static String clientKey;
  static String knownHosts;
  static String wrongKnownHosts;

  @TempDir
  Path work;

  @BeforeAll
  static void startServer() throws Exception {
    repos = TestRepositories.shared();
    Path keys = Files.createDirectories(shared.resolve("keys"));
    for (String name : List.of("client", "host", "other-host", "stranger")) {
      keygen(keys.resolve(name), "-t", "ed25519");
    }
    keygen(keys.resolve("rsa-client"), "-t", "rsa", "-b", "2048", "-m", "PEM");
    clientKey = Files.readString(keys.resolve("client"));
    served = new FileRepositoryBuilder().setGitDir(repos.dir.resolve("project.git").toFile()).build();
    server = new LoopbackSshGitServer(keys.resolve("client.pub"), served, Files.readAllBytes(keys.resolve("host")));
    port = server.start();
    knownHosts = "[127.0.0.1]:" + port + " " + publicKey(keys.resolve("host.pub")) + "\n";
    wrongKnownHosts = "[127.0.0.1]:" + port + " " + publicKey(keys.resolve("other-host.pub")) + "\n";
    Files.writeString(shared.resolve("stranger"), Files.readString(keys.resolve("stranger")));
  }

  private static void keygen(Path file, String... type) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", "test", "-f",
        file.toString()));
    command.addAll(List.of(type));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
  }

  /** "ssh-ed25519 AAAA..." without the comment. */
  private static String publicKey(Path pub) throws Exception {
    String[] parts = Files.readString(pub).strip().split(" ");
    return parts[0] + " " + parts[1];
  }

  /** JGit's test server listens on every interface; tests keep their servers on loopback. */
  private static final class LoopbackSshGitServer extends SshTestGitServer {
    LoopbackSshGitServer(Path clientKey, Repository repository, byte[] hostKey) throws Exception {
      super("git", clientKey, repository, hostKey);
      server.setHost("127.0.0.1");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.stop();
    served.close();
  }

  private String url() {
    return "ssh://git@127.0.0.1:" + port + "/project.git";
  }

  private GitInitProcess.Result runGitInit(String... keyValues) throws Exception {
    Map<String, String> env = env(keyValues);
    env.putIfAbsent(EnvNames.GIT_REPO, url());
    env.putIfAbsent(EnvNames.GIT_ROOT, work.resolve("ws").toString());
    env.putIfAbsent(EnvNames.GIT_CLONE_RETRY_DELAY, "10s");
    return GitInitProcess.run(work, env, "git-init");
  }

  /** The base64 lines of the private key: none may appear anywhere. */
  private static String[] keyLines() {
    return clientKey.lines().filter(l -> !l.startsWith("-----") && !l.isBlank()).toArray(String[]::new);
  }

  @Test
  void theServerListensOnLoopbackOnly() {
    assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
        .extracting(ListeningSockets.Listener::port).contains(port);
  }

  @Test
  void keyAndKnownHostsGivenAsContent() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, clientKey, EnvNames.GIT_SSH_KNOWN_HOSTS, knownHosts,
        EnvNames.GIT_REF, "feature");

    assertThat(r.exitCode()).as(r.output()).isZero();
    Path checkout = work.resolve("ws/repo");
    assertThat(git(checkout, "rev-parse", "HEAD")).isEqualTo(repos.feature);
    assertThat(git(checkout, "config", "remote.origin.url")).isEqualTo(url());
    Checks.assertNoSecret(r, work.resolve("ws"), keyLines());
  }

  @Test
  void keyAndKnownHostsGivenAsFilePaths() throws Exception {
    Path key = work.resolve("key");
    Path hosts = work.resolve("known_hosts");
    Files.writeString(key, clientKey);
    Files.writeString(hosts, knownHosts);

    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, key.toString(), EnvNames.GIT_SSH_KNOWN_HOSTS,
        hosts.toString(), EnvNames.GIT_REF, repos.c2);

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(git(work.resolve("ws/repo"), "rev-parse", "HEAD")).isEqualTo(repos.c2);
    Checks.assertNoSecret(r, work.resolve("ws"), keyLines());
  }

  @Test
  void rsaKeyInPemFormat() throws Exception {
    Path keys = shared.resolve("keys");
    server.setTestUserPublicKey(keys.resolve("rsa-client.pub"));
    try {
      String rsa = Files.readString(keys.resolve("rsa-client"));
      GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, rsa, EnvNames.GIT_SSH_KNOWN_HOSTS, knownHosts);

      assertThat(rsa).startsWith("-----BEGIN RSA PRIVATE KEY-----");
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(git(work.resolve("ws/repo"), "rev-parse", "HEAD")).isEqualTo(repos.c3);
    } finally {
      server.setTestUserPublicKey(keys.resolve("client.pub"));
    }
  }

  @Test
  void withoutKnownHostsTheHostIsNotTrusted() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, clientKey);

    assertThat(r.exitCode()).as(r.output()).isEqualTo(Failure.HOST_KEY_NOT_TRUSTED.exitCode());
    assertThat(r.terminationMessage())
        .isEqualTo("ssh host key not trusted for [127.0.0.1]:" + port + ": set GIT_SSH_KNOWN_HOSTS");
    assertThat(r.stdout()).doesNotContain("retrying");
  }

  @Test
  void aDifferentHostKeyIsNotTrusted() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, clientKey, EnvNames.GIT_SSH_KNOWN_HOSTS, wrongKnownHosts);

    assertThat(r.exitCode()).as(r.output()).isEqualTo(Failure.HOST_KEY_NOT_TRUSTED.exitCode());
    assertThat(r.terminationMessage())
        .isEqualTo("ssh host key not trusted for [127.0.0.1]:" + port + ": it is not in GIT_SSH_KNOWN_HOSTS");
  }

  @Test
  void anUnauthorizedKeyIsAnAuthenticationFailure() throws Exception {
    String stranger = Files.readString(shared.resolve("stranger"));
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, stranger, EnvNames.GIT_SSH_KNOWN_HOSTS, knownHosts);

    assertThat(r.exitCode()).as(r.output()).isEqualTo(Failure.AUTH.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("authentication failed for " + url());
    assertThat(r.stdout()).doesNotContain("retrying");
    String[] strangerLines = stranger.lines().filter(l -> !l.startsWith("-----")).toArray(String[]::new);
    for (String line : strangerLines) {
      assertThat(r.output()).doesNotContain(line);
    }
  }

  @Test
  void aKeyThatIsNoKeyIsAConfigurationError() throws Exception {
    GitInitProcess.Result r = runGitInit(EnvNames.GIT_SSH_KEY, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n"
        + "-----END OPENSSH PRIVATE KEY-----\n", EnvNames.GIT_SSH_KNOWN_HOSTS, knownHosts);

    assertThat(r.exitCode()).isEqualTo(Failure.CONFIG.exitCode());
    assertThat(r.terminationMessage()).isEqualTo("GIT_SSH_KEY is not an unencrypted private key (OpenSSH or PEM"
        + " format; passphrases are not supported)");
    assertThat(r.output()).doesNotContain("not-a-key");
  }
}
