package io.kubeopencode.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

class KubeClientsTest {

  @Test
  void aClientCertificateConfigurationIsNotRefreshedForATokenItNeverHas() {
    Config config = KubeClients.configure(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443")
        .withClientCertData("Y2VydA==").withClientKeyData("a2V5").build());

    assertThat(config.getOauthTokenProvider()).isNotNull();
    assertThat(config.getOauthTokenProvider().getToken()).isNull();
  }

  @Test
  void tokenConfigurationsKeepFabric8sRefresh() {
    Config serviceAccount = KubeClients.configure(new ConfigBuilder(Config.empty())
        .withMasterUrl("https://10.0.0.1:443").withAutoOAuthToken("sa-token").build());
    Config both = KubeClients.configure(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443")
        .withClientCertData("Y2VydA==").withOauthToken("t").build());

    assertThat(serviceAccount.getOauthTokenProvider()).isNull();
    assertThat(both.getOauthTokenProvider()).isNull();
  }
}
