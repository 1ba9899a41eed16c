package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeopencode.testsupport.ListeningSockets.Listener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
  private static final String SS = """
      tcp   LISTEN 0      4096         127.0.0.1:54059      0.0.0.0:*    users:(("etcd",pid=7982,fd=5))
      tcp   LISTEN 0      4096                 *:51408            *:*    users:(("kube-apiserver",pid=7987,fd=3))
      tcp   LISTEN 0      128            0.0.0.0:2024       0.0.0.0:*
      tcp   LISTEN 0      1024  [::ffff:127.0.0.1]:35743            *:*    users:(("java",pid=7884,fd=165))
      tcp   LISTEN 0      50               [::1]:8081          [::]:*    users:(("java",pid=1,fd=7),("java",pid=2,fd=7))
      tcp   LISTEN 0      50                [::]:8080          [::]:*    users:(("java",pid=7884,fd=9))
      udp   UNCONN 0      0         127.0.0.1%lo:5353       0.0.0.0:*    users:(("dns",pid=9,fd=4))
      """;

  @Test
  void parsesEveryProcessOfEverySocketAndTellsLoopbackFromTheRest() {
    List<Listener> listeners = ListeningSockets.parse(SS);

    assertThat(listeners).extracting(Listener::toString).containsExactly(
        "tcp 127.0.0.1:54059 (etcd, pid 7982)",
        "tcp *:51408 (kube-apiserver, pid 7987)",
        "tcp [::ffff:127.0.0.1]:35743 (java, pid 7884)",
        "tcp [::1]:8081 (java, pid 1)",
        "tcp [::1]:8081 (java, pid 2)",
        "tcp [::]:8080 (java, pid 7884)",
        "udp 127.0.0.1%lo:5353 (dns, pid 9)");
    assertThat(listeners).extracting(Listener::loopback)
        .containsExactly(true, false, true, true, true, false, true);
  }

  @Test
  void findsTheSocketsOfThisProcess() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(ListeningSockets.of(ProcessHandle.current().pid()))
          .anySatisfy(l -> {
            assertThat(l.port()).isEqualTo(server.getLocalPort());
            assertThat(l.loopback()).isTrue();
          });
    }
  }
}
