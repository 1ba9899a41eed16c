package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** PEM CA certificates from a ConfigMap or a Secret, as later upstream KubeOpenCode releases declare them. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "has(self.configMapRef) != has(self.secretRef)", reason = "FieldValueInvalid",
    message = "set exactly one of configMapRef or secretRef")
public record CaBundle(
    @JsonPropertyDescription("A ConfigMap in the namespace the pod runs in; key default ca-bundle.crt (as"
        + " cert-manager's trust-manager writes it).") CaBundleReference configMapRef,
    @JsonPropertyDescription("A Secret in the namespace the pod runs in; key default ca.crt.")
        CaBundleReference secretRef) {

  public static final String DEFAULT_CONFIGMAP_KEY = "ca-bundle.crt";
  public static final String DEFAULT_SECRET_KEY = "ca.crt";
}
