package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.generator.annotation.Required;
import java.util.Map;

/** Content fetched over HTTP(S) when the pod starts. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record UrlContext(
    @JsonPropertyDescription("The http:// or https:// URL to fetch.") @Required @Pattern("^https?://.+") String source,
    @JsonPropertyDescription("Extra request headers.") Map<String, String> headers,
    @JsonPropertyDescription("Secret with credentials: key token (sent as a bearer token), or keys username and"
        + " password (basic authentication).") SecretReference secretRef,
    @JsonPropertyDescription("Accept any TLS certificate. For test servers only.") Boolean insecureSkipTLSVerify,
    // Its minimum and pattern are added by CrdPostProcessing (the generator drops rules on IntOrString).
    @JsonPropertyDescription("Time allowed for the download: seconds as an integer (e.g. 30, as earlier releases"
        + " wrote it) or a duration (30s, 2m). Default 30 seconds.")
        IntOrString timeout) {

  public UrlContext {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
