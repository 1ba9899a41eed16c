package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** The collected outputs of a finished Task. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OutputValues(
    @JsonPropertyDescription("Output name to value. Argo reads it with"
        + " jmesPath: status.outputs.parameters.\"pr-url\".") Map<String, String> parameters) {

  public OutputValues {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }
}
