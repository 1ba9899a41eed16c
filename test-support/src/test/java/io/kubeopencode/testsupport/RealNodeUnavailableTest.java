package io.kubeopencode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.testsupport.RealNodeUnavailableException.Reason;
import org.junit.jupiter.api.Test;

/** A machine that cannot run a node fails with every missing requirement named, never a skip. */
class RealNodeUnavailableTest {

  @Test
  void everyMissingRequirementOfTheCheckIsNamed() {
    CommandResult check = new CommandResult(3, """
        ok linux-amd64
        missing root: running as uid 1000; the kubelet, containerd, bridge networking and iptables need root
        ok cgroup-cpu
        warn cgroup-pids: no writable cgroup v1 hierarchy with the 'pids' controller
        missing iptables: no iptables command
        """, "");

    assertThatThrownBy(() -> NodeBinaries.requireNothingMissing(check))
        .isInstanceOfSatisfying(RealNodeUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MACHINE);
          assertThat(e.missing()).containsExactly(
              "missing root: running as uid 1000; the kubelet, containerd, bridge networking and iptables need root",
              "missing iptables: no iptables command");
          assertThat(e.getMessage()).contains("real node unavailable (MACHINE)", "missing root", "missing iptables");
        });
  }

  @Test
  void aCheckThatFailsWithoutNamingARequirementSaysWhy() {
    CommandResult check = new CommandResult(1, "", "[node-binaries] ERROR: something broke");
    assertThatThrownBy(() -> NodeBinaries.requireNothingMissing(check))
        .isInstanceOf(RealNodeUnavailableException.class).hasMessageContaining("something broke");
  }

  @Test
  void aMachineWithNothingMissingPasses() {
    NodeBinaries.requireNothingMissing(new CommandResult(0, "ok root\nwarn br-netfilter: not loaded\n", ""));
  }

  @Test
  void referencesAreNormalisedAsTheCriLooksThemUp() {
    assertThat(NodeImages.normalizedReference("kubeopencode/pause:1")).isEqualTo("docker.io/kubeopencode/pause:1");
    assertThat(NodeImages.normalizedReference("busybox:1")).isEqualTo("docker.io/library/busybox:1");
    assertThat(NodeImages.normalizedReference("localhost:5000/x:1")).isEqualTo("localhost:5000/x:1");
    assertThat(NodeImages.normalizedReference("ghcr.io/a/b:1")).isEqualTo("ghcr.io/a/b:1");
  }
}
