package io.kubeopencode.api.v1alpha1;

/** What kind of content a {@link ContextItem} carries; each kind has its own payload field. */
public enum ContextType {
  Text,
  ConfigMap,
  Git,
  Runtime,
  URL
}
