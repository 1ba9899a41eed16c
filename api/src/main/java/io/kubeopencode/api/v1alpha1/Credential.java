package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * A Secret given to the agent container. No key and no mountPath: every key as an env var; no key with mountPath:
 * the Secret as a directory; key with env: one env var; key with mountPath: one file.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Credential(
    @JsonPropertyDescription("Name of the credential (for humans and events).") @Required String name,
    @JsonPropertyDescription("The Secret (and optionally one key) in the Agent's namespace.") @Required
        SecretKeyReference secretRef,
    @JsonPropertyDescription("Mount the Secret (no key) as a directory, or the key as a file, at this path.")
        String mountPath,
    @JsonPropertyDescription("Expose the key as this environment variable.") String env,
    @JsonPropertyDescription("Mode of the mounted file(s), e.g. 0600 (decimal 384, the default).")
        @Min(0) @Max(511) Integer fileMode) {}
