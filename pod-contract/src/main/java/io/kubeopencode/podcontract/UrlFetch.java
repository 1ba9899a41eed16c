package io.kubeopencode.podcontract;

import java.util.Map;

/**
 * context-init downloads {@code source} to {@code targetPath}. Credentials, when the context has a Secret, are in
 * the env vars {@code <authEnvPrefix>_TOKEN} (bearer) or {@code _USERNAME}/{@code _PASSWORD} (basic).
 */
public record UrlFetch(String source, String targetPath, Map<String, String> headers, int timeoutSeconds,
    boolean insecureSkipTLSVerify, boolean optional, String authEnvPrefix) {}
