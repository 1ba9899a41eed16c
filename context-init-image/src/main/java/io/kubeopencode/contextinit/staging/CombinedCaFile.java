package io.kubeopencode.contextinit.staging;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.contextinit.Log;
import io.kubeopencode.contextinit.paths.PathRules;
import io.kubeopencode.contextinit.paths.TargetPath;
import io.kubeopencode.contextinit.url.CaBundle;
import io.kubeopencode.podcontract.PodContract;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code $WORKSPACE_DIR/.kubeopencode/ca-certificates.crt}: the system CA bundle followed by the custom
 * certificates. The agent's {@code SSL_CERT_FILE} and {@code GIT_SSL_CAINFO} replace the system list rather than
 * extend it, so they point here. Both inputs are read before anything is written.
 *
 * @param system the system bundle's bytes, or null when it does not exist
 */
record CombinedCaFile(CaBundle custom, Path systemPath, byte[] system, TargetPath target) {

  /** Empty without CUSTOM_CA_CERT_PATH. */
  static Optional<CombinedCaFile> prepare(ContextInitConfig config, Log log) {
    if (config.customCa() == null) {
      return Optional.empty();
    }
    CaBundle custom = CaBundle.read(config.customCa());
    byte[] system;
    try {
      system = Files.readAllBytes(config.systemCaBundle());
    } catch (NoSuchFileException e) {
      log.warn("no system CA bundle at " + config.systemCaBundle() + " (" + PodContract.ENV_SYSTEM_CA_BUNDLE
          + "): " + PodContract.COMBINED_CA_FILE + " gets only the certificates of " + config.customCa());
      system = null;
    } catch (IOException e) {
      throw new Failure(Kind.IO_ERROR, PodContract.ENV_SYSTEM_CA_BUNDLE + ": cannot read " + config.systemCaBundle()
          + " (" + e.getClass().getSimpleName() + ")", e);
    }
    TargetPath target = PathRules.target(config.workspace() + "/" + PodContract.COMBINED_CA_FILE,
        config.allowedRoots(), false, PodContract.COMBINED_CA_FILE);
    return Optional.of(new CombinedCaFile(custom, config.systemCaBundle(), system, target));
  }

  /** Writes the file atomically with {@code mode}; returns a line for the log. */
  String write(SafeTree tree, int mode) {
    byte[] pem = custom.pem().getBytes(StandardCharsets.US_ASCII);
    long size = tree.writeFile(tree.directory(target.parent()), target.name(), mode, file -> {
      try (OutputStream out = Files.newOutputStream(file)) {
        if (system != null) {
          out.write(system);
          if (system.length > 0 && system[system.length - 1] != '\n') {
            out.write('\n');
          }
        }
        out.write(pem);
      }
    }, target.toString());
    return "wrote " + target + " (" + size + " bytes): " + (system == null ? "" : "the system CA bundle "
        + systemPath + " and ") + custom.certificates().size() + " certificate(s) from " + custom.path();
  }
}
