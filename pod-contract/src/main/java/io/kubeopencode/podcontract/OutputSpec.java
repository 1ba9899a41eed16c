package io.kubeopencode.podcontract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The outputs the output-collector reads, paths relative to the workspace. */
public record OutputSpec(List<Parameter> parameters) {
  public record Parameter(String name, String path, @JsonProperty("default") String defaultValue) {}
}
