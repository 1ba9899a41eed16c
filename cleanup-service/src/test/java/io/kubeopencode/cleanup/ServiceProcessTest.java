package io.kubeopencode.cleanup;

import static io.kubeopencode.cleanup.ApiServer.await;
import static io.kubeopencode.cleanup.ApiServer.createFinished;
import static io.kubeopencode.cleanup.ApiServer.taskNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.kubeopencode.testsupport.Await;
import io.kubeopencode.testsupport.KubeCluster;
import io.kubeopencode.testsupport.ListeningSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service as a process, in a fresh JVM: configured by real environment variables only, cold start-up time,
 * and a graceful stop on SIGTERM.
 */
@Tag("apiserver")
class ServiceProcessTest {
  @Test
  void startsFromEnvironmentVariablesAndStopsOnSigterm() throws Exception {
    KubeCluster cluster = ApiServer.cluster();
    String ns = ApiServer.namespace("process");
    int port = freePort();
    Path log = Files.createTempFile("cleanup-service", ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.util.logging.manager=io.kubeopencode.service.ShutdownSafeLogManager",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of(
        "KUBECONFIG", cluster.kubeconfig().toString(),
        "SERVER_PORT", Integer.toString(port),
        "SERVER_HOST", "127.0.0.1",
        "CLEANUP_NAMESPACES", ns,
        "CLEANUP_DEFAULT_TTL_SECONDS_AFTER_FINISHED", "0",
        "CLEANUP_DELETE_RATE", "7",
        "LEADER_ELECTION_LEASE_NAMESPACE", ns,
        "LEADER_ELECTION_IDENTITY", "child-process"));

    long launched = System.nanoTime();
    Process process = builder.start();
    try {
      await(() -> Http.status(port, "/observe/health/ready") == 200 || !process.isAlive(), Await.LIVENESS,
          "ready");
      assertThat(process.isAlive()).as(() -> read(log)).isTrue();
      assertThat(ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid()))
          .as("the child's port among this JVM's and its children's listeners").anyMatch(l -> l.port() == port);
      System.out.printf("cleanup-service process ready %d ms after launch (cold JVM); %s%n",
          (System.nanoTime() - launched) / 1_000_000, read(log).lines()
              .filter(l -> l.contains("web server listening") || l.contains("cleanup service started"))
              .map(String::strip).toList());

      // The cluster default from CLEANUP_DEFAULT_TTL_SECONDS_AFTER_FINISHED=0 applies: no config in the namespace.
      createFinished(ns, "expired", Instant.now().minusSeconds(1));
      await(() -> taskNames(ns).isEmpty(), Await.LIVENESS, "the Task deleted");
      Lease lease = ApiServer.client().leases().inNamespace(ns).withName(Main.LEASE_NAME).get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("child-process");

      process.toHandle().destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(() -> read(log)).isTrue();
      String output = read(log);
      assertThat(output).contains("cleanup service started", "(namespaces: [" + ns + "],",
          "cluster default ttlSecondsAfterFinished=0, 7 deletions/s", "deleted task " + ns + "/expired (ttl;",
          "cleanup stopped", "left leader election", "shutdown complete");
      assertThat(output.indexOf("cleanup stopped")).isLessThan(output.indexOf("left leader election"));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
