package io.kubeopencode.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API requests counted by the API server: {@code apiserver_request_total} of its {@code /metrics} (all clients, by
 * verb and resource), and its audit log (one event per request, with the user agent: who sent it).
 */
final class ApiRequests {
  /** Written by {@link #auditPolicy}: one Metadata event per request, at its end. */
  private static final String AUDIT_POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived", "ResponseStarted"]
      rules:
      - level: Metadata
      """;
  private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiRequests() {}

  /** kube-apiserver flags for an audit log at {@code log}, the policy written next to it. */
  static Map<String, String> auditFlags(Path log) throws IOException {
    Path policy = Files.writeString(log.resolveSibling("audit-policy.yaml"), AUDIT_POLICY);
    return Map.of("--audit-policy-file", policy.toString(), "--audit-log-path", log.toString(),
        "--audit-log-maxsize", "100000", "--audit-log-maxbackup", "0");
  }

  /** {@code apiserver_request_total} summed by "VERB resource[/subresource]". */
  static Map<String, Long> scrape(KubernetesClient admin) {
    Map<String, Long> counts = new TreeMap<>();
    admin.raw("/metrics").lines().forEach(line -> {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        Map<String, String> labels = new TreeMap<>();
        Matcher label = LABEL.matcher(sample.group(1));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
        counts.merge(key(labels.get("verb"), labels.get("resource"), labels.get("subresource")),
            (long) Double.parseDouble(sample.group(2)), Long::sum);
      }
    });
    return counts;
  }

  /** {@code after - before}, without the keys that did not change. */
  static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> diff = new TreeMap<>();
    after.forEach((key, count) -> {
      long d = count - before.getOrDefault(key, 0L);
      if (d != 0) {
        diff.put(key, d);
      }
    });
    return diff;
  }

  static boolean isWrite(String key) {
    return WRITES.contains(key.substring(0, key.indexOf(' ')));
  }

  static long writes(Map<String, Long> counts) {
    return counts.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }

  /**
   * The audit log's requests of the user agent starting with {@code userAgent}, by "VERB resource[/subresource]",
   * of the events after the first {@code fromLine}.
   */
  static Map<String, Long> audited(Path log, String userAgent, long fromLine) {
    Map<String, Long> counts = new TreeMap<>();
    long lines = 0;
    try (BufferedReader reader = Files.newBufferedReader(log)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (++lines <= fromLine || !line.contains(userAgent)) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (event.path("userAgent").asText().startsWith(userAgent)) {
          JsonNode ref = event.path("objectRef");
          counts.merge(key(httpVerb(event.path("verb").asText()), ref.path("resource").asText(),
              ref.path("subresource").asText()), 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  /** The number of lines (events) in the audit log so far. */
  static long auditLines(Path log) {
    try (var lines = Files.lines(log)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The audit log's Kubernetes verb as the metric's HTTP-like verb. */
  private static String httpVerb(String verb) {
    return switch (verb) {
      case "create" -> "POST";
      case "update" -> "PUT";
      default -> verb.toUpperCase(Locale.ROOT);
    };
  }

  private static String key(String verb, String resource, String subresource) {
    String what = resource == null || resource.isEmpty() ? "(non-resource)" : resource;
    return verb + " " + (subresource == null || subresource.isEmpty() ? what : what + "/" + subresource);
  }
}
