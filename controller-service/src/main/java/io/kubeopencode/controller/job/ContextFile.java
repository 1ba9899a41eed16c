package io.kubeopencode.controller.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code .kubeopencode/context.md}: one {@code <context>} element per inline context, in order, as
 * earlier KubeOpenCode releases wrote them (name, namespace, type and, where set, description as attributes).
 */
final class ContextFile {
  private final List<String> entries = new ArrayList<>();

  void add(String name, String namespace, String type, String description, String content) {
    StringBuilder entry = new StringBuilder("<context name=\"").append(attribute(name)).append("\" namespace=\"")
        .append(attribute(namespace)).append("\" type=\"").append(type).append('"');
    if (description != null && !description.isBlank()) {
      entry.append(" description=\"").append(attribute(description)).append('"');
    }
    entry.append(">\n").append(content);
    if (!content.isEmpty() && !content.endsWith("\n")) {
      entry.append('\n');
    }
    entries.add(entry.append("</context>").toString());
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  String content() {
    return String.join("\n\n", entries) + "\n";
  }

  /** All keys of a ConfigMap as one context: a {@code <file>} element per key, sorted by key. */
  static String files(Map<String, String> sortedValues) {
    List<String> files = new ArrayList<>();
    sortedValues.forEach((key, value) -> files.add("<file name=\"" + attribute(key) + "\">\n" + value
        + (value.endsWith("\n") ? "" : "\n") + "</file>"));
    return String.join("\n", files);
  }

  private static String attribute(String value) {
    return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
