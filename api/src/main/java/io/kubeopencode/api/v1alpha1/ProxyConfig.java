package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An HTTP(S) proxy given to every container of the agent pod, as later upstream KubeOpenCode releases do. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProxyConfig(
    @JsonPropertyDescription("Proxy for http:// URLs, e.g. http://proxy.corp.example.com:8080 (HTTP_PROXY).")
        String httpProxy,
    @JsonPropertyDescription("Proxy for https:// URLs (HTTPS_PROXY).") String httpsProxy,
    @JsonPropertyDescription("Comma-separated hosts, domains (.corp.example.com), IPs and CIDRs reached without"
        + " the proxy (NO_PROXY); localhost, 127.0.0.1, .svc and .cluster.local are always added.") String noProxy) {}
