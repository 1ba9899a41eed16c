package io.kubeopencode.contextinit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeopencode.api.v1alpha1.AgentReference;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.CaBundle;
import io.kubeopencode.api.v1alpha1.CaBundleReference;
import io.kubeopencode.api.v1alpha1.ConfigMapContext;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.ContextType;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.Outputs;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.TaskSpec;
import io.kubeopencode.contextinit.testing.KubeletConfigMapVolume;
import io.kubeopencode.contextinit.testing.RoleProcess;
import io.kubeopencode.contextinit.testing.TestCa;
import io.kubeopencode.controller.job.AgentPodBuilder;
import io.kubeopencode.controller.job.ContextPlan;
import io.kubeopencode.controller.job.ContextPlanner;
import io.kubeopencode.controller.job.ImageDefaults;
import io.kubeopencode.controller.job.MergedTask;
import io.kubeopencode.controller.job.TemplateMerge;
import io.kubeopencode.outputs.OutputsCodec;
import io.kubeopencode.podcontract.PodContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's pods and these programs agree: the pod is built by the controller's own code, and each role runs
 * as a real process with exactly the environment of its container, against a kubelet-style volume of exactly the
 * context ConfigMap. Only what a kubelet would do is emulated: materialising the volume (at a temporary path, so
 * the mount point is rewritten) and resolving secret-backed variables.
 */
class ControllerContractTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  @TempDir
  Path tmp;

  private Pod pod;
  private ConfigMap contextConfigMap;
  private Path workspace;

  private void buildPod() {
    buildPod(null);
  }

  private void buildPod(AgentPodSpec podSpec) {
    workspace = tmp.resolve("workspace");
    AgentSpec agent = new AgentSpec(null, null, workspace.toString(), null,
        List.of(ContextItem.text("house-rules", null, "Never push to main.")), null, null, podSpec, "sa", null, null,
        null);
    TaskSpec spec = new TaskSpec("Fix the flaky test.", List.of(
        ContextItem.text("notes", "docs/notes.md", "Focus on the parser."),
        new ContextItem("script", null, ContextType.Text, "bin/check.sh", 0755, null, "#!/bin/sh\necho ok\n", null,
            null, null, null),
        ContextItem.configMap("style", "style.md", new ConfigMapContext("team-config", "style.md", null)),
        ContextItem.configMap("settings", "config", new ConfigMapContext("team-config", null, null))),
        AgentReference.of("agent"), null, new Outputs(List.of(
            new OutputParameter("pr-url", ".outputs/pr-url", null),
            new OutputParameter("summary", ".outputs/summary", "no summary"))), null);
    Task task = new Task();
    task.setMetadata(new ObjectMetaBuilder().withNamespace("team").withName("fix").withUid("uid").build());
    task.setSpec(spec);
    ConfigMap teamConfig = new ConfigMapBuilder().withNewMetadata().withName("team-config").endMetadata()
        .addToData("style.md", "Use tabs.").addToData("app.yaml", "retries: 3").build();
    MergedTask merged = TemplateMerge.merge(spec, Optional.empty());
    ContextPlan plan = ContextPlanner.plan(new ContextPlanner.Sources(agent.workspaceDir(), "team", agent.contexts(),
        agent.config(), "team", merged, "facts"),
        (ns, name) -> name.equals("team-config") ? Optional.of(teamConfig) : Optional.empty());
    AgentPodBuilder.Inputs inputs = new AgentPodBuilder.Inputs(task, "agent", agent, merged, plan,
        new ImageDefaults("a", "e", "g", "c", "IfNotPresent"), null, "team");
    pod = AgentPodBuilder.pod(inputs, 0, null);
    contextConfigMap = AgentPodBuilder.contextConfigMap(inputs);
  }

  private Container container(String name) {
    return pod.getSpec().getInitContainers().stream()
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The container's environment as a kubelet gives it: plain values, and secret keys from the given Secrets. */
  private static Map<String, String> env(Container container, Map<String, Map<String, String>> secrets) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv("PATH"));
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else {
        var ref = var.getValueFrom().getSecretKeyRef();
        String value = secrets.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
        if (value != null) {
          env.put(var.getName(), value);
        }
      }
    }
    return env;
  }

  @Test
  void contextInitStagesEveryContextOfTheControllersPod() throws Exception {
    buildPod();
    Container contextInit = container("context-init");
    Map<String, String> items = new LinkedHashMap<>();
    for (KeyToPath item : pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("context")).findFirst().orElseThrow().getConfigMap().getItems()) {
      items.put(item.getPath(), contextConfigMap.getData().get(item.getKey()));
    }
    Path mount = KubeletConfigMapVolume.create(Files.createDirectories(tmp.resolve("context-volume")), items);
    Files.createDirectories(workspace); // the workspace emptyDir, mounted
    Map<String, String> env = env(contextInit, Map.of());
    env.replaceAll((name, value) -> value.replace(PodContract.CONTEXT_MOUNT, mount.toString()));
    env.put(PodContract.ENV_TERMINATION_LOG_PATH, tmp.resolve("termination-log").toString());

    RoleProcess.Result result = RoleProcess.run(tmp.resolve("logs"), env, TIMEOUT,
        contextInit.getArgs().toArray(String[]::new));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readString(workspace.resolve("task.md"))).isEqualTo("Fix the flaky test.");
    assertThat(Files.readString(workspace.resolve(".kubeopencode/context.md")))
        .isEqualTo("<context name=\"house-rules\" namespace=\"team\" type=\"Text\">\nNever push to main.\n</context>\n");
    assertThat(Files.readString(workspace.resolve("docs/notes.md"))).isEqualTo("Focus on the parser.");
    assertThat(Files.readString(workspace.resolve("bin/check.sh"))).isEqualTo("#!/bin/sh\necho ok\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace.resolve("bin/check.sh"))))
        .isEqualTo("rwxrwxrwx"); // fileMode 0755, the owner's permissions for every user
    assertThat(Files.readString(workspace.resolve("style.md"))).isEqualTo("Use tabs.");
    assertThat(Files.readString(workspace.resolve("config/app.yaml"))).isEqualTo("retries: 3");
    assertThat(Files.readString(workspace.resolve("config/style.md"))).isEqualTo("Use tabs.");
    try (Stream<Path> config = Files.list(workspace.resolve("config"))) {
      assertThat(config.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("app.yaml", "style.md");
    }
  }

  @Test
  void theAgentTrustsTheBundleContextInitWritesForTheAgentsCaBundle() throws Exception {
    buildPod(new AgentPodSpec(null, null, null, null, null, null, null, null, null, null, null, null,
        new CaBundle(new CaBundleReference("corp-ca", null), null), null));
    Container contextInit = container("context-init");
    Container agent = pod.getSpec().getContainers().getFirst();
    String customCa = TestCa.create(Files.createDirectories(tmp.resolve("ca"))).caPem();
    // The kubelet's part: the ConfigMap volume of the bundle, at a temporary path instead of /kubeopencode/ca.
    Path caVolume = Files.createDirectories(tmp.resolve("ca-volume"));
    Files.writeString(caVolume.resolve("ca-bundle.crt"), customCa);
    Path systemBundle = Files.writeString(tmp.resolve("system.crt"), "# the image's own CA list\n");
    Path mount = KubeletConfigMapVolume.create(Files.createDirectories(tmp.resolve("context-volume")), Map.of());
    Files.createDirectories(workspace);
    Map<String, String> env = env(contextInit, Map.of());
    env.replaceAll((name, value) -> value.replace(PodContract.CA_BUNDLE_DIR, caVolume.toString())
        .replace(PodContract.CONTEXT_MOUNT, mount.toString()));
    env.put(PodContract.ENV_SYSTEM_CA_BUNDLE, systemBundle.toString());
    env.put(PodContract.ENV_TERMINATION_LOG_PATH, tmp.resolve("termination-log").toString());
    env.put(PodContract.ENV_FILE_MAPPINGS, "[]");

    RoleProcess.Result result = RoleProcess.run(tmp.resolve("logs"), env, TIMEOUT,
        contextInit.getArgs().toArray(String[]::new));

    assertThat(result.exitCode()).as(result.output()).isZero();
    Map<String, String> agentEnv = env(agent, Map.of());
    assertThat(agentEnv.get("SSL_CERT_FILE")).isEqualTo(agentEnv.get("GIT_SSL_CAINFO"));
    String combined = Files.readString(Path.of(agentEnv.get("SSL_CERT_FILE")));
    assertThat(combined).startsWith("# the image's own CA list").contains("-----BEGIN CERTIFICATE-----");
    assertThat(agentEnv.get("NODE_EXTRA_CA_CERTS")).isEqualTo(PodContract.CA_BUNDLE_FILE);
  }

  @Test
  void theOutputCollectorReportsWhatTheControllerDecodes() throws Exception {
    buildPod();
    Container collector = container("output-collector");
    Files.createDirectories(workspace.resolve(".outputs"));
    Path terminationLog = tmp.resolve("termination-log");
    Map<String, String> env = env(collector, Map.of());
    env.put(PodContract.ENV_TERMINATION_LOG_PATH, terminationLog.toString());

    try (RoleProcess process = RoleProcess.start(tmp.resolve("logs"), env,
        collector.getArgs().toArray(String[]::new))) {
      process.awaitOutput("waiting for SIGTERM", TIMEOUT);
      Files.writeString(workspace.resolve(".outputs/pr-url"), "https://example.test/pr/7");
      process.process().destroy();
      assertThat(process.awaitExit(TIMEOUT).exitCode()).isZero();
    }

    String message = Files.readString(terminationLog);
    assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Integer.parseInt(env.get(PodContract.ENV_OUTPUT_MAX_BYTES)));
    assertThat(OutputsCodec.decode(message).parameters())
        .isEqualTo(Map.of("pr-url", "https://example.test/pr/7", "summary", "no summary"));
  }
}
