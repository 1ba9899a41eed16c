package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The outputs a Task declares. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Outputs(
    @JsonPropertyDescription("Output parameters. After the agent exits each file's content, whitespace-trimmed,"
        + " becomes status.outputs.parameters[name] (of two with the same name the last wins). All values together"
        + " must fit the 4 KiB termination message (compressed when needed).")
        @Size(max = Schema.MAX_OUTPUT_PARAMETERS) List<OutputParameter> parameters) {

  public Outputs {
    parameters = parameters == null ? List.of() : List.copyOf(parameters);
  }
}
