package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.KubeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runs need, started once: an API server with the chart's CRDs, the git daemon with its repository, the
 * context directory, and a private containerd with the images imported. Cleaned up once, by the run or by the
 * shutdown hook, whichever comes first.
 */
final class BenchEnvironment {
  private final Path root;
  private final WorkDir work;
  private final Map<Image, String> refs = new LinkedHashMap<>();
  private KubeCluster cluster;
  private GitDaemon gitDaemon;
  private Containerd containerd;
  private RunToExit toExit;
  private ServiceReadiness services;
  private GitInitClone gitInit;
  private ContextInitStaging contextInit;
  private boolean cleanedUp;
  /** Set by the shutdown hook: the runs stop (containerd is going away under them). */
  private volatile boolean stopping;

  BenchEnvironment(Path root, WorkDir work) {
    this.root = root;
    this.work = work;
  }

  /** Each piece is kept in a field as soon as it runs, so that a failure further on still cleans it up. */
  void start() throws IOException, InterruptedException {
    cluster = KubeCluster.start();
    cluster.installCrds(root.resolve("charts/kubeopencode/crds"));
    Path kubeconfig = writeKubeconfig();
    Path repos = GitDaemon.prepareRepository(work);
    Path context = ContextInitStaging.prepareContext(work);
    gitDaemon = GitDaemon.start(repos, work.resolve("git-daemon.log"));
    gitDaemon.awaitListening();

    containerd = Containerd.start(work.resolve("containerd"));
    importImages();
    toExit = new RunToExit(containerd);
    services = new ServiceReadiness(containerd, kubeconfig);
    gitInit = new GitInitClone(toExit, work, gitDaemon.repositoryUrl());
    contextInit = new ContextInitStaging(toExit, work, context);
  }

  /** One file with the certificates in it, readable by the image's user. */
  private Path writeKubeconfig() throws IOException {
    Path kubeconfig = Files.writeString(work.resolve("kubeconfig"),
        cluster.kubectl("config", "view", "--raw", "--flatten").requireSuccess());
    Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
    return kubeconfig;
  }

  private void importImages() throws IOException {
    for (Image image : Image.values()) {
      Path tar = image.tar(root);
      List<String> imported = containerd.importImage(tar);
      refs.put(image, imported.getFirst());
      System.out.printf("[bench] %-12s %s (%s, %.1f MB)%n", image.label, imported.getFirst(), root.relativize(tar),
          Files.size(tar) / 1e6);
    }
  }

  void printJvmChoices() {
    JvmChoices.print(containerd, refs);
  }

  /** One run of the scenario; an IllegalStateException says it failed. */
  Sample measure(Scenario scenario) throws Exception {
    RunSpec spec = scenario.runSpec(refs.get(scenario.image()));
    return switch (scenario.image()) {
      case CONTROLLER, CLEANUP -> services.measure(spec);
      case GIT_INIT -> gitInit.measure(spec);
      case CONTEXT_INIT -> contextInit.measure(spec);
      case PAUSE -> toExit.measure(spec.withArgs("/pause", "-v"));
    };
  }

  boolean isStopping() {
    return stopping;
  }

  /** For the shutdown hook: the runs stop, then the same clean-up. */
  void stop() {
    stopping = true;
    cleanUp();
  }

  /** Stops the git daemon, containerd (its containers) and the API server; deletes the work directory. */
  synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    try {
      if (gitDaemon != null) {
        gitDaemon.close();
      }
    } finally {
      try {
        if (containerd != null) {
          containerd.close();
        }
      } finally {
        try {
          if (cluster != null) {
            cluster.close();
          }
        } finally {
          work.deleteUnlessMounted();
        }
      }
    }
  }
}
