package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.RunningContainer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs of the controller and cleanup services against the API server (host network, leader election off, the
 * server on 127.0.0.1 only).
 */
final class ServiceReadiness {
  private static final Pattern HELIDON_UPTIME = Pattern.compile("(\\d+) milliseconds since JVM startup");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final Containerd containerd;
  private final Path kubeconfig;

  ServiceReadiness(Containerd containerd, Path kubeconfig) {
    this.containerd = containerd;
    this.kubeconfig = kubeconfig;
  }

  /** Launch to the first 2xx of /observe/health/ready; then RSS, memory and CPU of the container; then SIGTERM. */
  Sample measure(RunSpec base) throws Exception {
    int port = Loopback.freePort();
    RunSpec spec = base.withEnv("KUBECONFIG", "/kube/config").withEnv("SERVER_PORT", Integer.toString(port))
        .withEnv("SERVER_HOST", "127.0.0.1")
        .withEnv("LEADER_ELECTION_ENABLED", "false").withReadOnlyBindMount(kubeconfig, "/kube/config")
        .withHostNetwork();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    double load = HostReadings.load1();
    try (RunningContainer container = containerd.startContainer(spec)) {
      long taskMs = -1;
      long readyMs;
      while (true) {
        if (taskMs < 0 && container.pid().isPresent()) {
          taskMs = container.sinceLaunch().toMillis();
        }
        if (!container.isRunning()) {
          throw new IllegalStateException(container.id() + " exited before it was ready: "
              + container.awaitExit(Duration.ofSeconds(10)));
        }
        if (isReady(ready)) {
          readyMs = container.sinceLaunch().toMillis();
          break;
        }
        if (container.sinceLaunch().compareTo(Scenario.TIME_LIMIT) > 0) {
          throw new IllegalStateException(container.id() + " not ready within " + Scenario.TIME_LIMIT
              + "; stderr: " + container.stderr());
        }
        Thread.sleep(5);
      }
      return readingsWhenReady(container, taskMs, readyMs, load);
    }
  }

  /** What the ready container uses; then it is stopped and its log tells Helidon's own start-up time. */
  private static Sample readingsWhenReady(RunningContainer container, long taskMs, long readyMs, double load) {
    OptionalLong pid = container.pid();
    long rssKb = pid.isPresent() ? HostReadings.vmRssKb(pid.getAsLong()) : -1;
    long cgroupKb = Sample.scaled(HostReadings.memoryUsageBytes(container), 1024);
    long cpuMs = Sample.scaled(HostReadings.cpuNanos(container), 1_000_000);
    CommandResult stopped = container.stop(Duration.ofSeconds(30));
    Matcher matcher = HELIDON_UPTIME.matcher(stopped.stdout() + stopped.stderr());
    long jvmMs = matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    if (stopped.exitCode() != 143) {
      System.out.printf("[bench] note: %s exited with %d after SIGTERM%n", container.id(), stopped.exitCode());
    }
    return new Sample(taskMs, readyMs, jvmMs, rssKb, cgroupKb, cpuMs, load);
  }

  private static boolean isReady(HttpRequest ready) {
    try {
      return HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
