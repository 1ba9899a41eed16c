package io.kubeopencode.service;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** The Kubernetes client every service uses: the usual configuration (in-cluster, else the kubeconfig). */
public final class KubeClients {
  private KubeClients() {}

  public static KubernetesClient create() {
    return new KubernetesClientBuilder().withConfig(configure(Config.autoConfigure(null))).build();
  }

  /**
   * fabric8 refreshes a configuration that has no token by re-reading and re-parsing the kubeconfig before every
   * request once a minute has passed (it only remembers a refresh that found a token): about a tenth of the
   * controller's CPU under load. A client certificate never needs a token, so such a configuration is told that
   * there is none to fetch. Token configurations (in-cluster service account tokens, which rotate; exec and auth
   * provider plugins) keep fabric8's refresh.
   */
  static Config configure(Config config) {
    if (certificateOnly(config)) {
      config.setOauthTokenProvider(() -> null);
    }
    return config;
  }

  static boolean certificateOnly(Config config) {
    boolean certificate = notEmpty(config.getClientCertFile()) || notEmpty(config.getClientCertData());
    return certificate && !notEmpty(config.getOauthToken()) && !notEmpty(config.getAutoOAuthToken())
        && config.getOauthTokenProvider() == null && config.getAuthProvider() == null
        && !notEmpty(config.getUsername());
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }
}
