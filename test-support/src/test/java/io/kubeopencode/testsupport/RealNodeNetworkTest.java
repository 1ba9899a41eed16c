package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real node's network from inside a pod: cluster DNS (the {@code kubernetes} Service by its full name, a Service
 * of the pod's namespace by its short name), the API server through the {@code kubernetes} Service with the pod's
 * token, a test server on {@link KubeCluster#podReachableHostAddress()}, and no default route.
 */
@Tag("real-node")
class RealNodeNetworkTest {
  private static KubeCluster cluster;

  @BeforeAll
  static void startNode() {
    cluster = KubeCluster.withRealNode(List.of(TestImageTars.build().testAgent()));
  }

  @Test
  void dnsResolvesTheKubernetesServiceAndAShortServiceName() {
    String ns = cluster.createNamespace("dns");
    String echoIp = cluster.client().services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
        .withName("echo").endMetadata().withNewSpec().addToSelector("app", "echo").addNewPort().withPort(80)
        .endPort().endSpec().build()).create().getSpec().getClusterIP();

    // busybox's nslookup asks every search domain and exits 1 when any has no answer: the output tells.
    String logs = runPod(ns, "dns", "cat /etc/resolv.conf; nslookup kubernetes.default.svc.cluster.local;"
        + " echo ---; nslookup echo; true");

    String kubernetesIp = cluster.client().services().inNamespace("default").withName("kubernetes").get()
        .getSpec().getClusterIP();
    assertThat(logs).contains("nameserver " + cluster.podReachableHostAddress());
    assertThat(logs.substring(0, logs.indexOf("---"))).contains("Address: " + kubernetesIp);
    assertThat(logs.substring(logs.indexOf("---"))).contains("echo." + ns + ".svc.cluster.local")
        .contains("Address: " + echoIp);
  }

  @Test
  void podsReachTheApiServerThroughTheKubernetesServiceWithTheirToken() {
    String ns = cluster.createNamespace("api");
    String logs = runPod(ns, "api", "wget -q -O - --no-check-certificate"
        + " --header \"Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\""
        + " --header 'Content-Type: application/json'"
        + " --post-data '{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}'"
        + " https://kubernetes.default.svc/apis/authentication.k8s.io/v1/selfsubjectreviews");
    assertThat(logs.replace(" ", "")).contains("\"username\":\"system:serviceaccount:" + ns + ":default\"");
  }

  @Test
  void podsReachATestServerOnTheBridgeAddressAndHaveNoDefaultRoute() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(
        InetAddress.getByName(cluster.podReachableHostAddress()), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "served on the bridge".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String ns = cluster.createNamespace("host");
      String logs = runPod(ns, "host", "ip route; echo ---; wget -q -O - http://"
          + cluster.podReachableHostAddress() + ":" + server.getAddress().getPort() + "/");
      assertThat(logs).contains("served on the bridge");
      assertThat(logs.substring(0, logs.indexOf("---"))).doesNotContain("default")
          .contains(NodeNetwork.SERVICE_CIDR + " via " + NodeNetwork.GATEWAY);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theApiServerCertificateHoldsForTheBridgeAndTheKubernetesServiceAddresses() throws Exception {
    // Through the relay on the bridge address, with the client's usual checks (CA and host name): no trustCerts.
    Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    config.setMasterUrl("https://" + cluster.podReachableHostAddress() + ":"
        + cluster.client().getMasterUrl().getPort());
    assertThat(config.isTrustCerts()).isFalse();
    try (KubernetesClient viaBridge = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(viaBridge.getKubernetesVersion().getGitVersion()).startsWith("v1.34");
    }
    // In-cluster clients connect to KUBERNETES_SERVICE_HOST, the Service's address (not dialled from the host:
    // without kube-proxy's rules that traffic would leave the machine).
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(ApiServerCertificates.caFile(cluster.kubeApiTestDir()))) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String kubernetesIp = cluster.client().services().inNamespace("default").withName("kubernetes").get()
        .getSpec().getClusterIP();
    assertThat(certificate.getSubjectAlternativeNames()).contains(List.of(7, kubernetesIp),
        List.of(7, cluster.podReachableHostAddress()), List.of(2, "kubernetes.default.svc.cluster.local"));
  }

  @Test
  void theNodeListensOnLoopbackOrTheBridgeAddressOnly() {
    List<ListeningSockets.Listener> listeners = ListeningSockets.assertLoopbackOnly(ProcessHandle.current().pid());

    // Not vacuous: the node's servers are among them, where they belong.
    assertThat(listeners).filteredOn(l -> l.command().equals("kubelet")).isNotEmpty()
        .allMatch(ListeningSockets.Listener::loopback);
    assertThat(listeners).filteredOn(l -> l.command().equals("coredns")).extracting(ListeningSockets.Listener::address)
        .containsOnly(cluster.podReachableHostAddress());
    assertThat(listeners).filteredOn(l -> l.command().equals("kube-proxy")).isNotEmpty()
        .allMatch(ListeningSockets.Listener::loopback);
  }

  /** Runs {@code script} in a pod to its end (it must succeed) and returns its output. */
  private static String runPod(String ns, String name, String script) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withRestartPolicy("Never").addToContainers(RealNodePods.container("main", script)).endSpec().build();
    cluster.client().pods().inNamespace(ns).resource(pod).create();
    Pod ended = RealNodePods.awaitEnd(cluster, ns, name);
    String logs = RealNodePods.logs(cluster, ns, name, "main");
    assertThat(ended.getStatus().getPhase()).as("pod %s: %s%nlogs:%n%s", name, ended.getStatus(), logs)
        .isEqualTo("Succeeded");
    return logs;
  }
}
