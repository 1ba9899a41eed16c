package io.kubeopencode.contextinit.collector;

import io.kubeopencode.contextinit.EnvJson;
import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.podcontract.OutputSpec;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the output collector reads, from its environment. Pure. The parameters' paths are checked per parameter
 * when collecting (a bad one loses only that parameter).
 *
 * @param workspace normalised WORKSPACE_DIR
 * @param parameters OUTPUT_SPEC's parameters, in order, names unique
 * @param maxBytes OUTPUT_MAX_BYTES, the termination message's budget
 */
public record CollectorConfig(String workspace, List<OutputSpec.Parameter> parameters, int maxBytes) {

  public CollectorConfig {
    parameters = List.copyOf(parameters);
  }

  public static CollectorConfig from(Map<String, String> env) {
    String raw = env.get(PodContract.ENV_WORKSPACE_DIR);
    if (raw == null || raw.isBlank()) {
      throw invalid(PodContract.ENV_WORKSPACE_DIR + " is required");
    }
    String workspace;
    try {
      workspace = PathRules.root(raw.strip(), PodContract.ENV_WORKSPACE_DIR);
    } catch (PathRefused e) {
      throw invalid(e.detail());
    }
    OutputSpec spec = EnvJson.object(env, PodContract.ENV_OUTPUT_SPEC, OutputSpec.class);
    List<OutputSpec.Parameter> parameters = new ArrayList<>();
    if (spec != null && spec.parameters() != null) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < spec.parameters().size(); i++) {
        OutputSpec.Parameter p = spec.parameters().get(i);
        String what = PodContract.ENV_OUTPUT_SPEC + " parameters[" + i + "]";
        if (p == null) {
          throw invalid(what + " is null");
        }
        if (p.name() == null || p.name().isEmpty()) {
          throw invalid(what + ": name is missing");
        }
        if (p.path() == null) {
          throw invalid(what + ": path is missing");
        }
        if (!names.add(p.name())) {
          throw invalid(what + ": parameter '" + p.name() + "' is declared twice");
        }
        parameters.add(p);
      }
    }
    int maxBytes = OutputsCodec.MAX_BYTES;
    String max = env.get(PodContract.ENV_OUTPUT_MAX_BYTES);
    if (max != null && !max.isBlank()) {
      try {
        maxBytes = Integer.parseInt(max.strip());
      } catch (NumberFormatException e) {
        maxBytes = -1;
      }
      if (maxBytes < OutputsCodec.MIN_BYTES || maxBytes > OutputsCodec.MAX_BYTES) {
        throw invalid(PodContract.ENV_OUTPUT_MAX_BYTES + " must be a number between " + OutputsCodec.MIN_BYTES
            + " and " + OutputsCodec.MAX_BYTES + ", not '" + max + "'");
      }
    }
    return new CollectorConfig(workspace, parameters, maxBytes);
  }

  private static Failure invalid(String detail) {
    return new Failure(Kind.INVALID_CONFIG, detail);
  }
}
