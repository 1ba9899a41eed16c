package io.kubeopencode.controller.job;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kubeopencode.api.v1alpha1.Credential;
import java.util.ArrayList;
import java.util.List;

/**
 * An Agent's credentials as the agent container receives them. No key and no mountPath: every key as an env var;
 * no key with mountPath: the Secret as a directory; key with env: one env var; key with mountPath: one file.
 */
record CredentialMounts(List<EnvVar> env, List<EnvFromSource> envFrom, List<Volume> volumes,
    List<VolumeMount> mounts) {
  static final int DEFAULT_MODE = 0600;

  static CredentialMounts of(List<Credential> credentials) {
    List<EnvVar> env = new ArrayList<>();
    List<EnvFromSource> envFrom = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (int i = 0; i < credentials.size(); i++) {
      Credential c = credentials.get(i);
      String secret = c.secretRef().name();
      String key = c.secretRef().key();
      int mode = c.fileMode() != null ? c.fileMode() : DEFAULT_MODE;
      String volume = "credential-" + i;
      if (key == null && c.mountPath() == null) {
        envFrom.add(new EnvFromSourceBuilder().withNewSecretRef().withName(secret).endSecretRef().build());
      } else if (key == null) {
        volumes.add(secretVolume(volume, secret, mode).build());
        mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(c.mountPath()).withReadOnly(true).build());
      } else {
        if (c.env() == null && c.mountPath() == null) {
          throw TaskFailure.contextError("credential '" + c.name() + "' names key '" + key
              + "' but neither env nor mountPath to put it in");
        }
        if (c.env() != null) {
          env.add(new EnvVarBuilder().withName(c.env()).withNewValueFrom().withNewSecretKeyRef()
              .withName(secret).withKey(key).endSecretKeyRef().endValueFrom().build());
        }
        if (c.mountPath() != null) {
          volumes.add(secretVolume(volume, secret, mode).editSecret().addNewItem().withKey(key).withPath(key)
              .withMode(mode).endItem().endSecret().build());
          mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(c.mountPath()).withSubPath(key)
              .withReadOnly(true).build());
        }
      }
    }
    return new CredentialMounts(env, envFrom, volumes, mounts);
  }

  private static VolumeBuilder secretVolume(String name, String secret, int mode) {
    return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret).withDefaultMode(mode)
        .endSecret();
  }
}
