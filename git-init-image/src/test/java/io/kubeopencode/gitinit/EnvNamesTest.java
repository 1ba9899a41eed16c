package io.kubeopencode.gitinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.podcontract.PodContract;
import org.junit.jupiter.api.Test;

/** git-init reads exactly the names the controller sets. */
class EnvNamesTest {
  @Test
  void namesMatchThePodContract() {
    assertThat(EnvNames.GIT_REPO).isEqualTo(PodContract.ENV_GIT_REPO);
    assertThat(EnvNames.GIT_REF).isEqualTo(PodContract.ENV_GIT_REF);
    assertThat(EnvNames.GIT_DEPTH).isEqualTo(PodContract.ENV_GIT_DEPTH);
    assertThat(EnvNames.GIT_ROOT).isEqualTo(PodContract.ENV_GIT_ROOT);
    assertThat(EnvNames.GIT_LINK).isEqualTo(PodContract.ENV_GIT_LINK);
    assertThat(EnvNames.GIT_SUBPATH).isEqualTo(PodContract.ENV_GIT_SUBPATH);
    assertThat(EnvNames.GIT_RECURSE_SUBMODULES).isEqualTo(PodContract.ENV_GIT_RECURSE_SUBMODULES);
    assertThat(EnvNames.GIT_USERNAME).isEqualTo(PodContract.ENV_GIT_USERNAME);
    assertThat(EnvNames.GIT_PASSWORD).isEqualTo(PodContract.ENV_GIT_PASSWORD);
    assertThat(EnvNames.GIT_SSH_KEY).isEqualTo(PodContract.ENV_GIT_SSH_KEY);
    assertThat(EnvNames.GIT_SSH_KNOWN_HOSTS).isEqualTo(PodContract.ENV_GIT_SSH_KNOWN_HOSTS);
    assertThat(EnvNames.WORKSPACE_DIR).isEqualTo(PodContract.ENV_WORKSPACE_DIR);
  }

  @Test
  void theRoleArgumentIsTheContractsRole() {
    SettingsParser.checkArguments(java.util.List.of(PodContract.ROLE_GIT_INIT));
  }

  @Test
  void theSharedGitConfigIsWhereTheControllerPointsTheAgentsGit() {
    Settings s = SettingsParser.parse(java.util.Map.of(EnvNames.GIT_REPO, "git://127.0.0.1/r",
        EnvNames.WORKSPACE_DIR, "/workspace"));
    assertThat(s.safeDirectoryConfig()).isEqualTo(java.nio.file.Path.of("/workspace", PodContract.GIT_SHARED_CONFIG));
  }
}
