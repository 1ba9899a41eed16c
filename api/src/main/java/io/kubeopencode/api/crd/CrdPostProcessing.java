package io.kubeopencode.api.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the CRD generator cannot express through annotations (its merge-patch customizer drops sibling properties
 * in 7.5.2, and it sorts printer columns by name), applied to the generated CRD.
 */
final class CrdPostProcessing {
  private static final Map<String, String> CONDITION_FIELD_DESCRIPTIONS = Map.of(
      "type", "Type of the condition, e.g. Ready, Queued, Stopped.",
      "status", "True, False or Unknown.",
      "observedGeneration", "The .metadata.generation the condition was set for.",
      "lastTransitionTime", "When the condition last changed status (RFC 3339).",
      "reason", "A CamelCase reason for the last transition, e.g. AgentAtCapacity.",
      "message", "A human-readable explanation of the last transition.");

  /** As {@code Schema.DURATION_PATTERN}, which the generator cannot apply to an int-or-string. */
  static final String SECONDS_OR_DURATION = "^([0-9]+([.][0-9]+)?(ms|s|m|h))+$";

  private CrdPostProcessing() {}

  static CustomResourceDefinition apply(CustomResourceDefinition crd, Class<?> kind) {
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      orderColumnsAsDeclared(version, kind);
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      describeFromClasses(root, kind);
      property(root, "status", "conditions").ifPresent(CrdPostProcessing::standardConditions);
      property(root, "spec", "contexts").map(contexts -> contexts.getItems().getSchema())
          .flatMap(item -> property(item, "url", "timeout")).ifPresent(CrdPostProcessing::secondsOrDuration);
    }
    return crd;
  }

  /**
   * The generator ignores class descriptions; {@code kubectl explain <kind>} should describe the kind, its spec
   * and its status, so take them from {@code @JsonClassDescription} on the kind and its type arguments.
   */
  private static void describeFromClasses(JSONSchemaProps root, Class<?> kind) {
    description(kind).ifPresent(root::setDescription);
    Type[] specAndStatus = ((ParameterizedType) kind.getGenericSuperclass()).getActualTypeArguments();
    property(root, "spec").ifPresent(spec -> description((Class<?>) specAndStatus[0]).ifPresent(spec::setDescription));
    property(root, "status").ifPresent(
        status -> description((Class<?>) specAndStatus[1]).ifPresent(status::setDescription));
  }

  private static Optional<String> description(Class<?> type) {
    return Optional.ofNullable(type.getAnnotation(JsonClassDescription.class)).map(JsonClassDescription::value);
  }

  /** {@code kubectl get} shows columns in list order; keep the order in which the kind declares them. */
  private static void orderColumnsAsDeclared(CustomResourceDefinitionVersion version, Class<?> kind) {
    List<String> declared = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    if (version.getAdditionalPrinterColumns() != null) {
      version.setAdditionalPrinterColumns(version.getAdditionalPrinterColumns().stream()
          .sorted(Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())))
          .toList());
    }
  }

  /** The schema of {@code metav1.Condition}: a list-map keyed by type, with its required fields. */
  private static void standardConditions(JSONSchemaProps conditions) {
    listMap(conditions, "type");
    JSONSchemaProps item = conditions.getItems().getSchema();
    item.setRequired(List.of("type", "status", "lastTransitionTime", "reason", "message"));
    CONDITION_FIELD_DESCRIPTIONS.forEach((name, description) -> item.getProperties().get(name)
        .setDescription(description));
    item.getProperties().get("status")
        .setEnum(List.of(new TextNode("True"), new TextNode("False"), new TextNode("Unknown")));
    item.getProperties().get("lastTransitionTime").setFormat("date-time");
  }

  /**
   * An int-or-string of seconds or a duration: the generator drops value rules on {@code IntOrString}, and a CEL rule
   * there costs too much (its string has no length bound). OpenAPI applies {@code minimum} to integers only and
   * {@code pattern} to strings only.
   */
  private static void secondsOrDuration(JSONSchemaProps intOrString) {
    intOrString.setMinimum(1.0);
    intOrString.setPattern(SECONDS_OR_DURATION);
  }

  private static void listMap(JSONSchemaProps array, String key) {
    array.setXKubernetesListType("map");
    array.setXKubernetesListMapKeys(List.of(key));
  }

  private static Optional<JSONSchemaProps> property(JSONSchemaProps schema, String... path) {
    JSONSchemaProps current = schema;
    for (String name : path) {
      if (current.getProperties() == null || !current.getProperties().containsKey(name)) {
        return Optional.empty();
      }
      current = current.getProperties().get(name);
    }
    return Optional.of(current);
  }
}
