package io.kubeopencode.service;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Helidon SE web server with health ({@code /observe/health}, {@code /live}, {@code /ready}, {@code /started}) and
 * Prometheus metrics ({@code /observe/metrics}), plus any routes the service adds. Health checks come from the
 * caller; meters registered in {@link #meterRegistry()} (Helidon's registry from its service registry, Micrometer
 * underneath) appear in the metrics endpoint.
 *
 * <pre>{@code
 * ObservableServer server = ObservableServer.builder(config)
 *     .liveness("leader-election", election::isHealthy)
 *     .readiness("informers", informers::hasSynced)
 *     .start();
 * }</pre>
 */
public final class ObservableServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 8080;
  private static final System.Logger LOG = System.getLogger(ObservableServer.class.getName());

  private final WebServer server;
  private final int port;
  private final MeterRegistry meterRegistry;

  private ObservableServer(WebServer server, MeterRegistry meterRegistry) {
    this.server = server;
    this.port = server.port(); // the server reports -1 once stopped
    this.meterRegistry = meterRegistry;
  }

  /** A server configured from the {@code server} node of {@code root} ({@code port}, {@code host}, ...). */
  public static Builder builder(Config root) {
    return new Builder(root);
  }

  /** The port the server listens on (the one picked by the system when {@code server.port} is 0). */
  public int port() {
    return port;
  }

  /** Where the service registers its counters, timers and gauges; they are served at {@code /observe/metrics}. */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * The registry every {@code ObservableServer} of this JVM serves (Helidon's, from its service registry), available
   * before a server starts: a service can register its meters first and start working before its web server is up.
   */
  public static MeterRegistry sharedMeterRegistry() {
    return Services.get(MeterRegistry.class); // Helidon 4.4's replacement for the global registry
  }

  public boolean isRunning() {
    return server.isRunning();
  }

  /** Stops the server; requests in flight get Helidon's grace period ({@code server.shutdown-grace-period}). */
  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
      LOG.log(System.Logger.Level.INFO, "web server on port {0} stopped", Integer.toString(port));
    }
  }

  public static final class Builder {
    private final Config root;
    private final List<HealthCheck> checks = new ArrayList<>();
    private final List<Consumer<HttpRouting.Builder>> routes = new ArrayList<>();

    private Builder(Config root) {
      this.root = Objects.requireNonNull(root, "root");
    }

    /** A liveness check: when it is down, Kubernetes restarts the container. */
    public Builder liveness(String name, BooleanSupplier up) {
      return healthCheck(HealthCheckType.LIVENESS, name, fromBoolean(up));
    }

    /** A readiness check: when it is down, the pod is taken out of its Services' endpoints. */
    public Builder readiness(String name, BooleanSupplier up) {
      return healthCheck(HealthCheckType.READINESS, name, fromBoolean(up));
    }

    /** A startup check: until it is up, Kubernetes does not run the liveness and readiness probes. */
    public Builder startup(String name, BooleanSupplier up) {
      return healthCheck(HealthCheckType.STARTUP, name, fromBoolean(up));
    }

    /** A check with a message, shown as {@code data.detail} in the endpoint's JSON. */
    public Builder healthCheck(HealthCheckType type, String name, Supplier<CheckResult> check) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(check, "check");
      checks.add(new SuppliedCheck(type, name, check));
      return this;
    }

    /** Extra HTTP routes of the service, next to the observe endpoints. */
    public Builder routing(Consumer<HttpRouting.Builder> routing) {
      routes.add(Objects.requireNonNull(routing, "routing"));
      return this;
    }

    /** Builds and starts the server; returns once it accepts connections. */
    public ObservableServer start() {
      long started = System.nanoTime();
      MeterRegistry registry = sharedMeterRegistry();
      HealthObserverConfig.Builder health = HealthObserver.builder()
          .details(true) // the JSON names each check and its message; status codes are the same either way
          .useSystemServices(false);
      checks.forEach(health::addCheck);
      ObserveFeature observe = ObserveFeature.builder()
          .addObserver(health.build())
          .addObserver(MetricsObserver.builder().meterRegistry(registry).build())
          .build();
      Config serverConfig = root.get("server");
      WebServer server = WebServer.builder()
          .config(serverConfig)
          .port(serverConfig.get("port").asInt().orElse(DEFAULT_PORT))
          .shutdownHook(false) // the ShutdownCoordinator stops the server, after the workers
          .addFeature(observe)
          .routing(routing -> routes.forEach(r -> r.accept(routing)))
          .build()
          .start();
      LOG.log(System.Logger.Level.INFO, "web server listening on port {0} after {1} ms",
          Integer.toString(server.port()), Long.toString((System.nanoTime() - started) / 1_000_000));
      return new ObservableServer(server, registry);
    }

    private static Supplier<CheckResult> fromBoolean(BooleanSupplier up) {
      Objects.requireNonNull(up, "up");
      return () -> up.getAsBoolean() ? CheckResult.up("up") : CheckResult.down("down");
    }
  }

  /** Adapts a caller's check to Helidon's; a check that throws is reported down with the exception's message. */
  private record SuppliedCheck(HealthCheckType type, String name, Supplier<CheckResult> check)
      implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
      CheckResult result;
      try {
        result = check.get();
      } catch (RuntimeException e) {
        result = CheckResult.down("check failed: " + e);
      }
      return HealthCheckResponse.builder()
          .status(result.up())
          .detail("detail", result.detail())
          .build();
    }
  }
}
