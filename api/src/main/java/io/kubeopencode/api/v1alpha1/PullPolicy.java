package io.kubeopencode.api.v1alpha1;

/** Image pull policy of the system containers. */
public enum PullPolicy {
  Always,
  IfNotPresent,
  Never
}
