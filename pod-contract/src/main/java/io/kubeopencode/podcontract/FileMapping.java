package io.kubeopencode.podcontract;

/** context-init writes the ConfigMap key {@code key} to the absolute {@code targetPath} with {@code fileMode}. */
public record FileMapping(String key, String targetPath, int fileMode) {}
