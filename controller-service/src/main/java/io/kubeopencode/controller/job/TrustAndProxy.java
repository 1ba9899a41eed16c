package io.kubeopencode.controller.job;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.CaBundle;
import io.kubeopencode.api.v1alpha1.CaBundleReference;
import io.kubeopencode.api.v1alpha1.ProxyConfig;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.List;

/**
 * The Agent's CA bundle and HTTP(S) proxy as every container of the pod receives them: the bundle is mounted
 * read-only at {@link PodContract#CA_BUNDLE_FILE}; the proxy is six environment variables (both spellings).
 */
record TrustAndProxy(List<Volume> volumes, List<VolumeMount> mounts, List<EnvVar> proxyEnv, boolean hasCaBundle) {
  static final String CA_VOLUME = "ca-bundle";
  /**
   * Never through a corporate proxy: in-cluster names (as upstream) and loopback (which Go exempts by itself, but
   * the JDK, git-init and context-init included, does not).
   */
  static final String CLUSTER_NO_PROXY = "localhost,127.0.0.1,.svc,.cluster.local";

  static TrustAndProxy of(AgentPodSpec podSpec) {
    CaBundle ca = podSpec != null ? podSpec.caBundle() : null;
    ProxyConfig proxy = podSpec != null ? podSpec.proxy() : null;
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    if (ca != null && (ca.configMapRef() != null || ca.secretRef() != null)) {
      volumes.add(caVolume(ca));
      mounts.add(new VolumeMountBuilder().withName(CA_VOLUME).withMountPath(PodContract.CA_BUNDLE_DIR)
          .withReadOnly(true).build());
    }
    return new TrustAndProxy(volumes, mounts, proxyEnv(proxy), !volumes.isEmpty());
  }

  /** git-init, context-init and the collector: where the extra CA certificates are. */
  List<EnvVar> systemCaEnv() {
    return hasCaBundle ? List.of(SystemContainers.env(PodContract.ENV_CUSTOM_CA_CERT_PATH, PodContract.CA_BUNDLE_FILE))
        : List.of();
  }

  /**
   * The agent: Node adds {@code NODE_EXTRA_CA_CERTS} to its own list, while {@code SSL_CERT_FILE} (OpenSSL, Go,
   * Python's ssl) and {@code GIT_SSL_CAINFO} replace the system list, so those point at the bundle context-init
   * wrote: the system CAs plus the custom ones.
   */
  List<EnvVar> agentCaEnv(String workspaceDir) {
    if (!hasCaBundle) {
      return List.of();
    }
    String combined = workspaceDir + "/" + PodContract.COMBINED_CA_FILE;
    return List.of(
        SystemContainers.env(PodContract.ENV_CUSTOM_CA_CERT_PATH, PodContract.CA_BUNDLE_FILE),
        SystemContainers.env("NODE_EXTRA_CA_CERTS", PodContract.CA_BUNDLE_FILE),
        SystemContainers.env("SSL_CERT_FILE", combined),
        SystemContainers.env("GIT_SSL_CAINFO", combined));
  }

  private static Volume caVolume(CaBundle ca) {
    VolumeBuilder volume = new VolumeBuilder().withName(CA_VOLUME);
    String file = PodContract.CA_BUNDLE_FILE.substring(PodContract.CA_BUNDLE_DIR.length() + 1);
    if (ca.configMapRef() != null) {
      CaBundleReference ref = ca.configMapRef();
      return volume.withNewConfigMap().withName(ref.name()).addNewItem()
          .withKey(keyOrDefault(ref, CaBundle.DEFAULT_CONFIGMAP_KEY)).withPath(file).withMode(0444).endItem()
          .endConfigMap().build();
    }
    CaBundleReference ref = ca.secretRef();
    return volume.withNewSecret().withSecretName(ref.name()).addNewItem()
        .withKey(keyOrDefault(ref, CaBundle.DEFAULT_SECRET_KEY)).withPath(file).withMode(0444).endItem()
        .endSecret().build();
  }

  private static List<EnvVar> proxyEnv(ProxyConfig proxy) {
    if (proxy == null) {
      return List.of();
    }
    List<EnvVar> env = new ArrayList<>();
    both(env, PodContract.ENV_HTTP_PROXY, proxy.httpProxy());
    both(env, PodContract.ENV_HTTPS_PROXY, proxy.httpsProxy());
    if (!env.isEmpty() || !blank(proxy.noProxy())) {
      String noProxy = blank(proxy.noProxy()) ? CLUSTER_NO_PROXY : proxy.noProxy().strip() + "," + CLUSTER_NO_PROXY;
      both(env, PodContract.ENV_NO_PROXY, noProxy);
    }
    return env;
  }

  private static void both(List<EnvVar> env, String name, String value) {
    if (!blank(value)) {
      env.add(SystemContainers.env(name, value.strip()));
      env.add(SystemContainers.env(name.toLowerCase(java.util.Locale.ROOT), value.strip()));
    }
  }

  private static String keyOrDefault(CaBundleReference ref, String fallback) {
    return blank(ref.key()) ? fallback : ref.key();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
