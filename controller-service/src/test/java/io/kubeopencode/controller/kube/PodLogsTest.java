package io.kubeopencode.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Reading a log tail through the API server (fabric8's mock server stands in for API server and kubelet). */
@EnableKubernetesMockClient
class PodLogsTest {
  KubernetesMockServer server;
  KubernetesClient client;

  private PodLogs logs() {
    return new PodLogs(client);
  }

  @Test
  void readsTheBoundedTailOfTheAgentContainer() {
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/p/log?pretty=false&container=agent&tailLines=200&limitBytes=65536")
        .andReturn(200, "step 1\nstep 2\nerror: tests failed\n").once();

    assertThat(logs().tail("ns", "p", "agent")).contains("step 1\nstep 2\nerror: tests failed\n");
  }

  @Test
  void aLogThatCannotBeReadGivesNoTail() {
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/gone/log?pretty=false&container=agent&tailLines=200&limitBytes=65536")
        .andReturn(404, "{\"kind\":\"Status\",\"code\":404}").once();

    assertThat(logs().tail("ns", "gone", "agent")).isEmpty();
  }

  @Test
  void aNodeThatCannotServeTheLogIsAskedOnceNotRetriedWithBackOff() throws InterruptedException {
    String path = "/api/v1/namespaces/ns/pods/far/log?pretty=false&container=agent&tailLines=200&limitBytes=65536";
    server.expect().get().withPath(path).andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":"
        + "\"dial tcp 127.0.0.1:10250: connect: connection refused\"}").always();
    int before = server.getRequestCount();

    assertThat(logs().tail("ns", "far", "agent")).isEmpty();
    java.util.List<String> paths = new java.util.ArrayList<>();
    for (int i = before; i < server.getRequestCount(); i++) {
      paths.add(server.takeRequest().getPath());
    }
    assertThat(paths).filteredOn(path::equals).as("requests: %s", paths).hasSize(1);
  }
}
