package io.kubeopencode.api.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.kubeopencode.api.v1alpha1.Agent;
import io.kubeopencode.api.v1alpha1.KubeOpenCodeConfig;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the CRD YAML of every kind with fabric8's CRD generator, adjusted by {@link CrdPostProcessing}; run by
 * the build (process-classes) and checked against the chart's copies by a test.
 */
public final class GenerateCrds {
  /** Every kind of the API, the source of the CRDs. */
  public static final List<Class<? extends CustomResource<?, ?>>> KINDS =
      List.of(Task.class, TaskTemplate.class, Agent.class, KubeOpenCodeConfig.class);

  private GenerateCrds() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GenerateCrds <output directory>");
    }
    List<Path> written = generate(Path.of(args[0]));
    System.out.println("[crds] generated " + written.size() + " CRDs in " + args[0]);
  }

  /** Writes {@code <plural>.<group>.yaml} for every kind into {@code outputDir} and returns the files. */
  public static List<Path> generate(Path outputDir) throws IOException {
    Path scratch = Files.createTempDirectory("kubeopencode-crds");
    try {
      Map<String, Class<?>> kindsByCrdName = KINDS.stream()
          .collect(Collectors.toMap(k -> CustomResource.getCRDName(k), Function.identity()));
      int count = new CRDGenerator()
          .customResourceClasses(KINDS.stream().<Class<? extends HasMetadata>>map(k -> k).toList())
          .forCRDVersions("v1")
          .withPostProcessor(new CRDPostProcessor() {
            @Override
            public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
              return CrdPostProcessing.apply((CustomResourceDefinition) crd,
                  kindsByCrdName.get(crd.getMetadata().getName()));
            }
          })
          .inOutputDir(scratch.toFile())
          .generate();
      if (count != KINDS.size()) {
        throw new IllegalStateException("expected " + KINDS.size() + " CRDs, generated " + count);
      }
      Files.createDirectories(outputDir);
      try (Stream<Path> files = Files.list(scratch)) {
        return files.sorted().map(file -> moveRenamed(file, outputDir)).toList();
      }
    } finally {
      try (Stream<Path> leftovers = Files.list(scratch)) {
        for (Path p : leftovers.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(scratch);
    }
  }

  /** {@code tasks.kubeopencode.io-v1.yml} becomes {@code tasks.kubeopencode.io.yaml}. */
  private static Path moveRenamed(Path file, Path outputDir) {
    String name = file.getFileName().toString().replaceFirst("-v1\\.yml$", ".yaml");
    try {
      return Files.move(file, outputDir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
