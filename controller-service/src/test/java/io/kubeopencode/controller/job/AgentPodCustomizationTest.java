package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.NS;
import static io.kubeopencode.controller.Fixtures.WS;
import static io.kubeopencode.controller.job.AgentPodBuilderTest.container;
import static io.kubeopencode.controller.job.AgentPodBuilderTest.inputs;
import static io.kubeopencode.controller.job.AgentPodBuilderTest.plainEnv;
import static io.kubeopencode.controller.job.AgentPodBuilderTest.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.CaBundle;
import io.kubeopencode.api.v1alpha1.CaBundleReference;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.ProxyConfig;
import io.kubeopencode.api.v1alpha1.PullPolicy;
import io.kubeopencode.controller.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What an Agent's podSpec adds to the pod: security contexts, pull settings, extras, CA bundle and proxy. */
class AgentPodCustomizationTest {
  private static AgentPodSpec podSpec(io.fabric8.kubernetes.api.model.PodSecurityContext podSecurity,
      io.fabric8.kubernetes.api.model.SecurityContext security, List<EnvVar> extraEnv, CaBundle ca,
      ProxyConfig proxy) {
    return new AgentPodSpec(null, null, null, null, null, podSecurity, security, null, null, extraEnv, null, null, ca,
        proxy);
  }

  private static PodSpec podOf(AgentPodSpec podSpec, String config, List<ContextItem> contexts) {
    AgentSpec agent = new AgentSpec(null, null, WS, null, null, config, null, podSpec, "sa", null, null, null);
    return pod(AgentPodBuilder.pod(inputs(Fixtures.task("t", Fixtures.spec("x", contexts, List.of())), agent, null,
        NS), 0, null));
  }

  private static Stream<Container> all(PodSpec pod) {
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream());
  }

  @Test
  void anAgentsSecurityContextsAreMergedOverTheDefaultsForTheRestrictedStandard() {
    PodSpec pod = podOf(podSpec(new PodSecurityContextBuilder().withRunAsNonRoot(true).withFsGroup(1000L).build(),
        new SecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(1000L).build(), List.of(), null, null),
        null, List.of(ContextItem.git("src", "src", new GitContext("https://example.test/r.git", null, null, null,
            null, null))));

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("default kept").isEqualTo("RuntimeDefault");
    for (String name : List.of("opencode-init", "agent")) {
      var sc = container(pod, name).getSecurityContext();
      assertThat(sc.getRunAsUser()).as(name).isEqualTo(1000L);
      assertThat(sc.getRunAsNonRoot()).as(name).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).as(name + ": default kept").isFalse();
      assertThat(sc.getCapabilities().getDrop()).as(name).containsExactly("ALL");
    }
    assertThat(container(pod, "git-init-0").getSecurityContext().getRunAsUser()).as("ours keep their user")
        .isEqualTo(65532L);
  }

  @Test
  void pullSecretsAndPolicyAndExtraVolumesReachThePod() {
    AgentPodSpec spec = new AgentPodSpec(null, null, null, null, null, null, null,
        List.of(new LocalObjectReference("registry")), PullPolicy.Always, List.of(),
        List.of(new VolumeBuilder().withName("skills").withNewPersistentVolumeClaim("skills", true).build()),
        List.of(new VolumeMountBuilder().withName("skills").withMountPath("/skills").build()), null, null);

    PodSpec pod = podOf(spec, null, List.of());

    assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("registry");
    assertThat(container(pod, "agent").getImagePullPolicy()).isEqualTo("Always");
    assertThat(container(pod, "opencode-init").getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("skills");
    assertThat(container(pod, "agent").getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/skills");
    assertThat(container(pod, "context-init").getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .doesNotContain("/skills");
  }

  @Test
  void agentImagesArePulledIfNotPresentByDefaultAsEarlierReleasesDid() {
    PodSpec pod = podOf(null, null, List.of());

    assertThat(container(pod, "agent").getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(container(pod, "opencode-init").getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @Test
  void extraEnvComesLastAndReplacesAVariableOfTheSameName() {
    PodSpec pod = podOf(podSpec(null, null, List.of(env("HOME", "/home/agent"), env("LOG_LEVEL", "debug")), null,
        null), null, List.of());
    List<EnvVar> env = container(pod, "agent").getEnv();

    assertThat(env).filteredOn(e -> e.getName().equals("HOME")).singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("/home/agent"));
    assertThat(env.getLast().getName()).isEqualTo("LOG_LEVEL");
  }

  @Test
  void headlessRunsAllowEveryPermissionUnlessTheAgentDecides() {
    assertThat(plainEnv(container(podOf(null, null, List.of()), "agent")))
        .containsEntry("OPENCODE_PERMISSION", "{\"*\":\"allow\"}");
    assertThat(plainEnv(container(podOf(null, "{\"permission\":{\"bash\":\"ask\"}}", List.of()), "agent")))
        .doesNotContainKey("OPENCODE_PERMISSION");
    assertThat(plainEnv(container(podOf(podSpec(null, null, List.of(env("OPENCODE_PERMISSION", "{\"edit\":\"deny\"}")),
        null, null), null, List.of()), "agent"))).containsEntry("OPENCODE_PERMISSION", "{\"edit\":\"deny\"}");
  }

  @Test
  void theContextFileIsLoadedAsInstructionsMergedWithTheAgents() {
    List<ContextItem> inline = List.of(ContextItem.text("rules", null, "r"));

    assertThat(plainEnv(container(podOf(null, null, inline), "agent")))
        .containsEntry("OPENCODE_CONFIG_CONTENT", "{\"instructions\":[\".kubeopencode/context.md\"]}");
    assertThat(plainEnv(container(podOf(null, "{\"instructions\":[\"CONTRIBUTING.md\"]}", inline), "agent")))
        .containsEntry("OPENCODE_CONFIG_CONTENT",
            "{\"instructions\":[\"CONTRIBUTING.md\",\".kubeopencode/context.md\"]}");
    PodSpec withExtra = podOf(podSpec(null, null, List.of(env("OPENCODE_CONFIG_CONTENT",
        "{\"model\":\"m\",\"instructions\":[\"a.md\"]}")), null, null), null, inline);
    assertThat(container(withExtra, "agent").getEnv()).filteredOn(e -> e.getName().equals("OPENCODE_CONFIG_CONTENT"))
        .singleElement().satisfies(e -> assertThat(e.getValue())
            .isEqualTo("{\"model\":\"m\",\"instructions\":[\"a.md\",\".kubeopencode/context.md\"]}"));
    assertThat(plainEnv(container(podOf(null, null, List.of()), "agent")))
        .as("no inline context, no instruction").doesNotContainKey("OPENCODE_CONFIG_CONTENT");
    assertThatThrownBy(() -> podOf(podSpec(null, null, List.of(env("OPENCODE_CONFIG_CONTENT", "[1]")), null, null),
        null, inline)).isInstanceOf(TaskFailure.class).hasMessageContaining("must be a JSON object");
  }

  @Test
  void aCaBundleIsMountedEverywhereAndTheAgentTrustsTheCombinedBundle() {
    PodSpec pod = podOf(podSpec(null, null, List.of(), new CaBundle(new CaBundleReference("corp-ca", null), null),
        null), null, List.of(ContextItem.git("src", "src", new GitContext("https://example.test/r.git", null, null,
            null, null, null))));

    Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("ca-bundle")).findFirst().orElseThrow();
    assertThat(ca.getConfigMap().getName()).isEqualTo("corp-ca");
    assertThat(ca.getConfigMap().getItems()).singleElement().satisfies(i -> {
      assertThat(i.getKey()).isEqualTo("ca-bundle.crt");
      assertThat(i.getPath()).isEqualTo("ca-bundle.crt");
    });
    all(pod).forEach(c -> assertThat(c.getVolumeMounts()).as(c.getName())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/kubeopencode/ca")));
    for (String name : List.of("context-init", "git-init-0")) {
      assertThat(plainEnv(container(pod, name))).as(name)
          .containsEntry("CUSTOM_CA_CERT_PATH", "/kubeopencode/ca/ca-bundle.crt");
    }
    assertThat(plainEnv(container(pod, "agent")))
        .containsEntry("NODE_EXTRA_CA_CERTS", "/kubeopencode/ca/ca-bundle.crt")
        .containsEntry("SSL_CERT_FILE", WS + "/.kubeopencode/ca-certificates.crt")
        .containsEntry("GIT_SSL_CAINFO", WS + "/.kubeopencode/ca-certificates.crt");
    PodSpec fromSecret = podOf(podSpec(null, null, List.of(), new CaBundle(null, new CaBundleReference("tls", null)),
        null), null, List.of());
    assertThat(fromSecret.getVolumes()).filteredOn(v -> v.getName().equals("ca-bundle")).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getItems().getFirst().getKey()).isEqualTo("ca.crt"));
  }

  @Test
  void aProxyReachesEveryContainerAndNeverCoversClusterNames() {
    PodSpec pod = podOf(podSpec(null, null, List.of(), null,
        new ProxyConfig("http://proxy:3128", "http://proxy:3129", "localhost,.corp")), null, List.of());

    all(pod).forEach(c -> assertThat(plainEnv(c)).as(c.getName())
        .containsEntry("HTTP_PROXY", "http://proxy:3128").containsEntry("http_proxy", "http://proxy:3128")
        .containsEntry("HTTPS_PROXY", "http://proxy:3129").containsEntry("https_proxy", "http://proxy:3129")
        .containsEntry("NO_PROXY", "localhost,.corp,localhost,127.0.0.1,.svc,.cluster.local")
        .containsEntry("no_proxy", "localhost,.corp,localhost,127.0.0.1,.svc,.cluster.local"));
  }

  @Test
  void gitContextsAtTheWorkspaceRootAreMergedAndOutsideItGetAVolume() {
    PodSpec pod = podOf(null, null, List.of(
        ContextItem.git("root", ".", new GitContext("https://example.test/r.git", null, null, null, null, null)),
        ContextItem.git("tool", "/opt/tool", new GitContext("https://example.test/t.git", null, null, null, null,
            null)),
        ContextItem.git("doc", "/opt/README.md", new GitContext("https://example.test/d.git", null, null,
            "docs/README.md", null, null))));

    assertThat(plainEnv(container(pod, "git-init-0"))).containsEntry("GIT_ROOT", WS + "/.kubeopencode/git")
        .containsEntry("GIT_LINK", "0").containsEntry("GIT_MERGE_INTO", WS).doesNotContainKey("GIT_EXPOSED_AT");
    assertThat(plainEnv(container(pod, "git-init-1"))).containsEntry("GIT_ROOT", "/kubeopencode/git/1")
        .containsEntry("GIT_LINK", "repo").containsEntry("GIT_EXPOSED_AT", "/opt/tool");
    assertThat(container(pod, "git-init-1").getVolumeMounts()).extracting(VolumeMount::getName,
        VolumeMount::getMountPath).contains(org.assertj.core.groups.Tuple.tuple("git-1", "/kubeopencode/git/1"));
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("git-1", "git-2").doesNotContain("git-0");
    Map<String, String> agentMounts = new java.util.HashMap<>();
    container(pod, "agent").getVolumeMounts().stream().filter(m -> m.getName().startsWith("git-"))
        .forEach(m -> agentMounts.put(m.getMountPath(), m.getName() + ":" + m.getSubPath()));
    assertThat(agentMounts).containsOnly(Map.entry("/opt/tool", "git-1:repo"),
        Map.entry("/opt/README.md", "git-2:.kubeopencode-git/repo/docs/README.md"));
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
