package io.kubeopencode.contextinit.collector;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.collector.OutputFile.Missing;
import io.kubeopencode.contextinit.collector.OutputFile.Oversized;
import io.kubeopencode.contextinit.collector.OutputFile.Read;
import io.kubeopencode.contextinit.collector.OutputFile.Refused;
import io.kubeopencode.contextinit.collector.OutputFile.Unusable;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.outputs.TaskOutputs;
import io.kubeopencode.podcontract.OutputSpec;
import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads every declared output and encodes the termination message with the shared codec. Logs one line per
 * parameter with its name and size, never its value.
 */
public final class OutputCollection {
  private static final String OUTPUT_SPEC = PodContract.ENV_OUTPUT_SPEC;
  private final Log log;

  public OutputCollection(Log log) {
    this.log = log;
  }

  /** The termination message for {@code config}'s parameters as the workspace holds them now. */
  public String collect(CollectorConfig config) {
    Path workspace = Path.of(config.workspace());
    if (!Files.isDirectory(workspace)) {
      throw new Failure(Kind.MISSING_ROOT, "the workspace " + workspace + " does not exist (is it mounted?)");
    }
    Path workspaceReal;
    try {
      workspaceReal = workspace.toRealPath();
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, "could not resolve the workspace " + workspace + ": " + e, e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (OutputSpec.Parameter p : config.parameters()) {
      String label = "parameter '" + p.name() + "' (" + p.path() + ")";
      switch (OutputFile.read(workspaceReal, p.path())) {
        case Read r -> {
          values.put(p.name(), r.value());
          log.info(label + ": " + r.bytes() + " bytes"
              + (r.trimmed() ? ", " + r.value().getBytes(StandardCharsets.UTF_8).length
                  + " after trimming white space" : "")
              + (r.replaced() ? " (not valid UTF-8: invalid bytes replaced by U+FFFD)" : ""));
        }
        case Missing m -> {
          // A default is delivered as declared, untrimmed (as earlier releases did).
          if (p.defaultValue() != null) {
            values.put(p.name(), p.defaultValue());
            log.info(label + ": no such file, using its default ("
                + p.defaultValue().getBytes(StandardCharsets.UTF_8).length + " bytes)");
          } else {
            log.info(label + ": no such file and no default, not reported");
          }
        }
        case Refused r -> log.error(label + ": refused, not reported: " + r.why());
        case Unusable u -> log.error(label + ": not reported: " + u.why());
        case Oversized o -> {
          values.put(p.name(), OutputFile.undeliverable());
          log.info(label + ": " + o.bytes() + " bytes, more than can ever be delivered");
        }
      }
    }
    String message;
    try {
      message = OutputsCodec.encode(values, config.maxBytes());
    } catch (IllegalArgumentException e) {
      // Only a name or default from OUTPUT_SPEC can be invalid Unicode; file contents are decoded to valid text.
      throw new Failure(Kind.INVALID_CONFIG, OUTPUT_SPEC + ": " + e.getMessage());
    }
    TaskOutputs check = OutputsCodec.decode(message);
    int bytes = message.getBytes(StandardCharsets.UTF_8).length;
    log.info("termination message: " + bytes + " of " + config.maxBytes() + " bytes, "
        + check.parameters().size() + " parameters delivered"
        + (message.contains("\"encoding\"") ? " (compressed)" : "")
        + (check.complete() ? "" : ", too large and dropped: " + String.join(", ", check.tooLarge())
            + (check.tooLargeUnlisted() > 0 ? " and " + check.tooLargeUnlisted() + " more" : "")));
    return message;
  }
}
