package io.kubeopencode.controller.job;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.kubeopencode.podcontract.PodContract;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenCode settings of the agent container that KubeOpenCode adds: the context file loaded as instructions
 * ({@code OPENCODE_CONFIG_CONTENT}, as upstream does since it moved contexts out of AGENTS.md) and, unless the Agent
 * decides, every permission allowed ({@code OPENCODE_PERMISSION}): a headless run would otherwise wait forever at a
 * permission prompt.
 */
final class OpencodeEnv {
  static final String CONFIG_CONTENT = "OPENCODE_CONFIG_CONTENT";
  static final String PERMISSION = "OPENCODE_PERMISSION";
  static final String ALLOW_ALL = "{\"*\":\"allow\"}";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpencodeEnv() {}

  /**
   * @param agentConfig the Agent's {@code spec.config} (valid JSON, checked before) or null
   * @param extraEnv the Agent's {@code podSpec.extraEnv}: a plain {@code OPENCODE_CONFIG_CONTENT} there is merged
   *     into ours, an {@code OPENCODE_PERMISSION} there wins
   */
  static List<EnvVar> of(String agentConfig, boolean hasContextFile, List<EnvVar> extraEnv) {
    List<EnvVar> env = new ArrayList<>();
    Optional<JsonNode> config = Optional.ofNullable(agentConfig).map(OpencodeEnv::parse);
    if (hasContextFile) {
      configContent(config, find(extraEnv, CONFIG_CONTENT)).ifPresent(v -> env.add(SystemContainers.env(
          CONFIG_CONTENT, v)));
    }
    boolean agentDecides = config.map(c -> c.has("permission")).orElse(false) || find(extraEnv, PERMISSION).isPresent();
    if (!agentDecides) {
      env.add(SystemContainers.env(PERMISSION, ALLOW_ALL));
    }
    return env;
  }

  /**
   * The instructions of the Agent's config and of an extraEnv {@code OPENCODE_CONFIG_CONTENT}, then the context
   * file: OpenCode may replace rather than concatenate instruction lists of its config layers, so ours repeats
   * theirs. Empty when extraEnv sets the variable from a source we cannot read (theirs then stands alone).
   */
  private static Optional<String> configContent(Optional<JsonNode> agentConfig, Optional<EnvVar> extra) {
    ObjectNode content = JSON.createObjectNode();
    if (extra.isPresent()) {
      if (extra.get().getValueFrom() != null) {
        return Optional.empty();
      }
      JsonNode given = parseExtra(extra.get().getValue());
      content = (ObjectNode) given.deepCopy();
    }
    Set<String> instructions = new LinkedHashSet<>();
    agentConfig.ifPresent(c -> strings(c.get("instructions"), instructions));
    strings(content.get("instructions"), instructions);
    instructions.add(PodContract.CONTEXT_FILE);
    ArrayNode list = content.putArray("instructions");
    instructions.forEach(list::add);
    return Optional.of(content.toString());
  }

  private static void strings(JsonNode node, Set<String> into) {
    if (node != null && node.isArray()) {
      node.forEach(n -> {
        if (n.isTextual()) {
          into.add(n.asText());
        }
      });
    }
  }

  private static JsonNode parseExtra(String value) {
    try {
      JsonNode node = JSON.readTree(value == null ? "{}" : value);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JacksonException e) {
      // reported below
    }
    throw TaskFailure.contextError("podSpec.extraEnv " + CONFIG_CONTENT + " must be a JSON object (KubeOpenCode adds"
        + " its context file to its instructions)");
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JacksonException e) {
      throw TaskFailure.contextError("the Agent's spec.config is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static Optional<EnvVar> find(List<EnvVar> env, String name) {
    return env.stream().filter(e -> name.equals(e.getName())).reduce((a, b) -> b);
  }
}
