package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsParserTest {
  private static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put(EnvNames.GIT_REPO, "https://github.com/org/repo.git");
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private static void assertConfigError(Map<String, String> env, String message) {
    assertThatThrownBy(() -> SettingsParser.parse(env)).isInstanceOfSatisfying(GitInitException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.CONFIG);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }

  @Test
  void defaults() {
    Settings s = SettingsParser.parse(env());

    assertThat(s.ref()).isNull();
    assertThat(s.refLabel()).isEqualTo("HEAD");
    assertThat(s.depth()).isEqualTo(1);
    assertThat(s.root()).isEqualTo(Path.of("/git"));
    assertThat(s.link()).isEqualTo("repo");
    assertThat(s.subpath()).isNull();
    assertThat(s.recurseSubmodules()).isFalse();
    assertThat(s.retry()).isEqualTo(new Settings.RetryPolicy(3, Duration.ofSeconds(5)));
    assertThat(s.customCa()).isNull();
    assertThat(s.terminationLog()).isEqualTo(Path.of("/dev/termination-log"));
    assertThat(s.safeDirectoryConfig()).isEqualTo(Path.of("/git/.kubeopencode/gitconfig"));
    assertThat(s.exposedAt()).isNull();
    assertThat(s.proxy().configured()).isFalse();
  }

  @Test
  void everyVariable() {
    Settings s = SettingsParser.parse(env(EnvNames.GIT_REF, "release/1.x", EnvNames.GIT_DEPTH, "0",
        EnvNames.GIT_ROOT, "/workspace/", EnvNames.GIT_LINK, "src", EnvNames.GIT_SUBPATH, "docs//api/",
        EnvNames.GIT_RECURSE_SUBMODULES, "TRUE", EnvNames.GIT_CLONE_RETRIES, "0",
        EnvNames.GIT_CLONE_RETRY_DELAY, "250ms", EnvNames.CUSTOM_CA_CERT_PATH, "/etc/ca/bundle.pem",
        EnvNames.GIT_TERMINATION_LOG, "/tmp/log", EnvNames.WORKSPACE_DIR, "/workspace",
        EnvNames.GIT_EXPOSED_AT, "/home/agent//src/", EnvNames.HTTPS_PROXY, "proxy:3128"));

    assertThat(s.ref()).isEqualTo("release/1.x");
    assertThat(s.depth()).isZero();
    assertThat(s.root()).isEqualTo(Path.of("/workspace"));
    assertThat(s.link()).isEqualTo("src");
    assertThat(s.subpath()).isEqualTo("docs/api");
    assertThat(s.recurseSubmodules()).isTrue();
    assertThat(s.retry()).isEqualTo(new Settings.RetryPolicy(0, Duration.ofMillis(250)));
    assertThat(s.customCa()).isEqualTo(Path.of("/etc/ca/bundle.pem"));
    assertThat(s.terminationLog()).isEqualTo(Path.of("/tmp/log"));
    assertThat(s.safeDirectoryConfig()).isEqualTo(Path.of("/workspace/.kubeopencode/gitconfig"));
    assertThat(s.exposedAt()).isEqualTo(Path.of("/home/agent/src"));
    assertThat(s.proxy().https().display()).isEqualTo("http://proxy:3128");
  }

  @Test
  void fullShaIsLowerCasedAndHeadMeansDefault() {
    assertThat(SettingsParser.parse(env(EnvNames.GIT_REF, "ABCDEF0123456789ABCDEF0123456789ABCDEF01")).ref())
        .isEqualTo("abcdef0123456789abcdef0123456789abcdef01");
    assertThat(SettingsParser.parse(env(EnvNames.GIT_REF, "HEAD")).ref()).isNull();
    assertThat(SettingsParser.parse(env(EnvNames.GIT_REF, "  ")).ref()).isNull();
  }

  @Test
  void durations() {
    assertThat(SettingsParser.parse(env(EnvNames.GIT_CLONE_RETRY_DELAY, "7")).retry().delay())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(SettingsParser.parse(env(EnvNames.GIT_CLONE_RETRY_DELAY, "2m")).retry().delay())
        .isEqualTo(Duration.ofMinutes(2));
    assertConfigError(env(EnvNames.GIT_CLONE_RETRY_DELAY, "soon"),
        "GIT_CLONE_RETRY_DELAY must be a duration such as 5s, 500ms or 1m, got 'soon'");
  }

  @Test
  void credentialsFromTheUrlUnlessTheSecretGivesThem() {
    Settings fromUrl = SettingsParser.parse(env(EnvNames.GIT_REPO, "https://bot:t0ken@host/org/r.git"));
    assertThat(fromUrl.credentials().username()).isEqualTo("bot");
    assertThat(fromUrl.credentials().password()).isEqualTo("t0ken");
    assertThat(fromUrl.repo().display()).isEqualTo("https://host/org/r.git");

    Settings fromSecret = SettingsParser.parse(env(EnvNames.GIT_REPO, "https://bot:t0ken@host/org/r.git",
        EnvNames.GIT_USERNAME, "me", EnvNames.GIT_PASSWORD, "s3cret \n"));
    assertThat(fromSecret.credentials().username()).isEqualTo("me");
    assertThat(fromSecret.credentials().password()).isEqualTo("s3cret ");
    assertThat(fromSecret.toString()).doesNotContain("s3cret").doesNotContain("t0ken");
  }

  @Test
  void sshMaterialIsContentOrPath() {
    Settings s = SettingsParser.parse(env(EnvNames.GIT_SSH_KEY, "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n",
        EnvNames.GIT_SSH_KNOWN_HOSTS, "/etc/ssh/known_hosts"));
    assertThat(s.credentials().sshKey()).isInstanceOf(SecretSource.Inline.class);
    assertThat(s.credentials().sshKey().toString()).doesNotContain("abc");
    assertThat(s.credentials().knownHosts()).isEqualTo(new SecretSource.FromFile(Path.of("/etc/ssh/known_hosts")));
    assertThat(SettingsParser.parse(env(EnvNames.GIT_SSH_KNOWN_HOSTS, "github.com ssh-ed25519 AAAA"))
        .credentials().knownHosts()).isInstanceOf(SecretSource.Inline.class);
  }

  @Test
  void badValuesAreNamed() {
    assertConfigError(new HashMap<>(), "GIT_REPO is required");
    assertConfigError(env(EnvNames.GIT_REPO, "ftp://host/repo"),
        "GIT_REPO: unsupported scheme 'ftp' (use https, http, ssh, git or file)");
    assertConfigError(env(EnvNames.GIT_REPO, "relative/path"),
        "GIT_REPO must be a URL (https, http, ssh, git, file) or an absolute path");
    assertConfigError(env(EnvNames.GIT_DEPTH, "one"),
        "GIT_DEPTH must be a whole number >= 0 (0 = full history), got 'one'");
    assertConfigError(env(EnvNames.GIT_CLONE_RETRIES, "-2"), "GIT_CLONE_RETRIES must be a whole number >= 0, got '-2'");
    assertConfigError(env(EnvNames.GIT_ROOT, "workspace"), "GIT_ROOT must be an absolute path, got 'workspace'");
    assertConfigError(env(EnvNames.GIT_LINK, "a/b"), "GIT_LINK 'a/b' must be a single directory name");
    assertConfigError(env(EnvNames.GIT_LINK, ".."), "GIT_LINK '..' must be a single directory name");
    assertConfigError(env(EnvNames.GIT_LINK, ".kubeopencode-git"),
        "GIT_LINK '.kubeopencode-git' must be a single directory name");
    assertConfigError(env(EnvNames.GIT_SUBPATH, "docs/../../etc"),
        "GIT_SUBPATH 'docs/../../etc' must be a path inside the repository (no '.', '..' or '.git')");
    assertConfigError(env(EnvNames.GIT_SUBPATH, ".git/hooks"),
        "GIT_SUBPATH '.git/hooks' must be a path inside the repository (no '.', '..' or '.git')");
    assertConfigError(env(EnvNames.GIT_EXPOSED_AT, "src"), "GIT_EXPOSED_AT must be an absolute path, got 'src'");
    assertConfigError(env("NO_PROXY", "10.0.0.0/40"),
        "NO_PROXY: entry '10.0.0.0/40' is not a CIDR range such as 10.0.0.0/8 or fd00::/8");
    assertConfigError(env(EnvNames.GIT_RECURSE_SUBMODULES, "yes"),
        "GIT_RECURSE_SUBMODULES must be 'true' or 'false', got 'yes'");
    assertConfigError(env(EnvNames.GIT_REF, "bad..ref"),
        "GIT_REF 'bad..ref' is not a valid branch, tag or full commit SHA");
    assertConfigError(env(EnvNames.GIT_REF, "has space"),
        "GIT_REF 'has space' is not a valid branch, tag or full commit SHA");
  }

  @Test
  void onlyTheGitInitRoleIsAcceptedAsArgument() {
    SettingsParser.checkArguments(List.of());
    SettingsParser.checkArguments(List.of("git-init"));
    assertThatThrownBy(() -> SettingsParser.checkArguments(List.of("git-init", "--depth=3")))
        .isInstanceOfSatisfying(GitInitException.class, e -> assertThat(e.failure()).isEqualTo(Failure.CONFIG))
        .hasMessage("unexpected arguments [git-init, --depth=3]: git-init takes no argument but an optional role"
            + " name 'git-init'");
  }

  @Test
  void subpathRootMeansTheWholeRepository() {
    assertThat(SettingsParser.subpath("/")).isNull();
    assertThat(SettingsParser.subpath("a/b/")).isEqualTo("a/b");
  }
}
