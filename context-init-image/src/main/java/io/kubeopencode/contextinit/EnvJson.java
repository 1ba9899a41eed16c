package io.kubeopencode.contextinit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.kubeopencode.contextinit.Failure.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the JSON environment variables into the pod-contract records. Pure. A field the record has but the JSON
 * lacks (or sets to null) becomes null, 0 or false, so required fields are checked by name first; optional ones get
 * their defaults from the caller. Unknown fields are refused: a newer controller than this image would otherwise be
 * half understood.
 */
public final class EnvJson {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EnvJson() {}

  /** The array in {@code env[name]}; absent, blank or {@code null} is the empty list. */
  public static <T> List<T> list(Map<String, String> env, String name, Class<T> type, String... required) {
    JsonNode root = tree(env, name);
    if (root == null) {
      return List.of();
    }
    if (!root.isArray()) {
      throw invalid(name + " must be a JSON array, not " + describe(root));
    }
    List<T> out = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      out.add(object(root.get(i), name + "[" + i + "]", type, required));
    }
    return out;
  }

  /** The object in {@code env[name]}, or null when absent, blank or {@code null}. */
  public static <T> T object(Map<String, String> env, String name, Class<T> type, String... required) {
    JsonNode root = tree(env, name);
    return root == null ? null : object(root, name, type, required);
  }

  /** Converts one element, naming it ({@code FILE_MAPPINGS[2]}) in every error. */
  public static <T> T object(JsonNode node, String what, Class<T> type, String... required) {
    if (!node.isObject()) {
      throw invalid(what + " must be a JSON object, not " + describe(node));
    }
    for (String field : required) {
      if (!node.hasNonNull(field)) {
        throw invalid(what + ": required field '" + field + "' is missing");
      }
    }
    try {
      return JSON.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      throw invalid(what + ": unknown field '" + e.getPropertyName() + "'");
    } catch (JacksonException e) {
      throw invalid(what + ": " + e.getOriginalMessage());
    }
  }

  private static JsonNode tree(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(value);
      return root == null || root.isNull() || root.isMissingNode() ? null : root;
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      throw invalid(name + " is not valid JSON: " + e.getOriginalMessage()
          + (at != null ? " (at character " + (at.getCharOffset() + 1) + ")" : ""));
    }
  }

  private static String describe(JsonNode node) {
    return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static Failure invalid(String detail) {
    return new Failure(Kind.INVALID_CONFIG, detail);
  }
}
