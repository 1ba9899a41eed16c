package io.kubeopencode.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kubeopencode.controller.Main;
import java.util.List;
import java.util.Map;

/**
 * The controller-service as deployed (its Main and configuration), in the test JVM, watching the given namespaces.
 * Its system images are its defaults: the git-init and context-init images this build made, imported on the node.
 */
final class E2eController implements AutoCloseable {
  /** How long a container may fail to start before its Task fails (short, so such tests end quickly). */
  static final String CONTAINER_START_GRACE = "PT20S";
  private final Main.Running running;

  private E2eController(Main.Running running) {
    this.running = running;
  }

  static E2eController start(KubernetesClient client, List<String> namespaces) {
    Config config = Config.just(ConfigSources.create(Map.of(
        "server.port", "0",
        "server.host", "127.0.0.1",
        "controller.namespaces", String.join(",", namespaces),
        "controller.workers", "4",
        "controller.container-start-grace", CONTAINER_START_GRACE,
        "leader-election.enabled", "false")));
    return new E2eController(Main.start(config, client));
  }

  @Override
  public void close() {
    running.close();
  }
}
