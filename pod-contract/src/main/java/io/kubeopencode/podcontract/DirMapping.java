package io.kubeopencode.podcontract;

/** context-init copies the directory {@code sourcePath} (inside the ConfigMap mount) to {@code targetPath}. */
public record DirMapping(String sourcePath, String targetPath) {}
