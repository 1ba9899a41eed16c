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

  @Test
  void readsTheBoundedTailOfTheAgentContainer() {
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/p/log?pretty=false&container=agent&tailLines=200&limitBytes=65536")
        .andReturn(200, "step 1\nstep 2\nerror: tests failed\n").once();

    assertThat(PodLogs.tail(client, "ns", "p", "agent")).contains("step 1\nstep 2\nerror: tests failed\n");
  }

  @Test
  void aLogThatCannotBeReadGivesNoTail() {
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/gone/log?pretty=false&container=agent&tailLines=200&limitBytes=65536")
        .andReturn(404, "{\"kind\":\"Status\",\"code\":404}").once();

    assertThat(PodLogs.tail(client, "ns", "gone", "agent")).isEmpty();
  }
}
