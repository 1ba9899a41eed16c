package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
/** The payload of a Runtime context: none. The controller writes a built-in explanation of the runtime. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuntimeContext() {}
