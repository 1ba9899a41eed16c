package io.kubeopencode.controller.job;

import static io.kubeopencode.controller.Fixtures.IMAGES;
import static io.kubeopencode.controller.Fixtures.NS;
import static io.kubeopencode.controller.Fixtures.WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kubeopencode.api.v1alpha1.AgentPodSpec;
import io.kubeopencode.api.v1alpha1.AgentSpec;
import io.kubeopencode.api.v1alpha1.ContextItem;
import io.kubeopencode.api.v1alpha1.Credential;
import io.kubeopencode.api.v1alpha1.GitContext;
import io.kubeopencode.api.v1alpha1.OutputParameter;
import io.kubeopencode.api.v1alpha1.PodScheduling;
import io.kubeopencode.api.v1alpha1.PullPolicy;
import io.kubeopencode.api.v1alpha1.SecretKeyReference;
import io.kubeopencode.api.v1alpha1.SecretReference;
import io.kubeopencode.api.v1alpha1.SystemImage;
import io.kubeopencode.api.v1alpha1.Task;
import io.kubeopencode.api.v1alpha1.UrlContext;
import io.kubeopencode.controller.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AgentPodBuilderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static AgentPodBuilder.Inputs inputs(Task task, AgentSpec agent, SystemImage systemImage, String jobNs) {
    MergedTask merged = TemplateMerge.merge(task.getSpec(), Optional.empty());
    ContextPlan plan = ContextPlanner.plan(new ContextPlanner.Sources(agent.workspaceDir(), jobNs, agent.contexts(),
        agent.config(), task.getMetadata().getNamespace(), merged, "facts"), (ns, name) -> Optional.empty());
    return new AgentPodBuilder.Inputs(task, "agent", agent, merged, plan, IMAGES, systemImage, jobNs);
  }

  private static Pod job(List<ContextItem> contexts, List<OutputParameter> outputs) {
    Task task = Fixtures.task("fix", Fixtures.spec("Fix it.", contexts, outputs));
    return AgentPodBuilder.pod(inputs(task, Fixtures.agentSpec(List.of(), List.of(), null), null, NS), 0, null);
  }

  static PodSpec pod(Pod pod) {
    return pod.getSpec();
  }

  static Container container(PodSpec pod, String name) {
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  static Map<String, String> plainEnv(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void thePodHasTheContractsShapeNameOwnerLabelsAndAnnotation() {
    Pod job = job(List.of(), List.of());

    assertThat(job.getMetadata().getName()).as("as earlier releases named it").isEqualTo("fix-pod");
    assertThat(job.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getApiVersion()).isEqualTo("kubeopencode.io/v1alpha1");
      assertThat(o.getKind()).isEqualTo("Task");
      assertThat(o.getName()).isEqualTo("fix");
      assertThat(o.getUid()).isEqualTo("uid-fix");
      assertThat(o.getController()).isTrue();
      assertThat(o.getBlockOwnerDeletion()).isTrue();
    });
    Map<String, String> labels = Map.of("app", "kubeopencode", "app.kubernetes.io/managed-by", "kubeopencode",
        "kubeopencode.io/task", "fix", "kubeopencode.io/agent", "agent");
    assertThat(job.getMetadata().getLabels()).isEqualTo(labels);
    assertThat(job.getMetadata().getAnnotations()).containsExactly(Map.entry("kubeopencode.io/task", NS + "/fix"));
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isNull();
    assertThat(pod(job).getRestartPolicy()).isEqualTo("Never");
    assertThat(pod(job).getServiceAccountName()).isEqualTo("agent-sa");
  }

  @Test
  void initContainersRunInContractOrderAndTheCollectorIsANativeSidecar() {
    GitContext repo = new GitContext("https://example.test/r.git", null, null, null, null, null);
    Pod job = job(List.of(ContextItem.git("a", "a", repo), ContextItem.git("b", "b", repo)),
        List.of(new OutputParameter("pr-url", ".outputs/pr-url", null)));

    assertThat(pod(job).getInitContainers()).extracting(Container::getName)
        .containsExactly("opencode-init", "context-init", "git-init-0", "git-init-1", "output-collector");
    assertThat(pod(job).getContainers()).extracting(Container::getName).containsExactly("agent");
    Container collector = container(pod(job), "output-collector");
    assertThat(collector.getRestartPolicy()).isEqualTo("Always");
    assertThat(collector.getArgs()).containsExactly("output-collector");
    assertThat(collector.getImage()).isEqualTo("example.test/context-init:1");
    assertThat(plainEnv(collector)).containsEntry("OUTPUT_SPEC",
        "{\"parameters\":[{\"name\":\"pr-url\",\"path\":\".outputs/pr-url\",\"default\":null}]}");
    assertThat(plainEnv(collector)).as("12 KiB shared by 6 containers").containsEntry("OUTPUT_MAX_BYTES", "2048");
    assertThat(container(pod(job), "git-init-0").getRestartPolicy()).isNull();
  }

  @Test
  void noOutputsNoCollector() {
    assertThat(pod(job(List.of(), List.of())).getInitContainers()).extracting(Container::getName)
        .containsExactly("opencode-init", "context-init");
  }

  @Test
  void kubeOpenCodesContainersRunRestrictedAndTheAgentsMayRunAsRoot() {
    Pod job = job(List.of(ContextItem.git("a", "a", new GitContext("https://example.test/r.git", null, null, null,
        null, null))), List.of(new OutputParameter("o", "o", null)));

    Stream.concat(pod(job).getInitContainers().stream(), pod(job).getContainers().stream()).forEach(c -> {
      SecurityContext sc = c.getSecurityContext();
      assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
      assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
    });
    for (String name : List.of("context-init", "git-init-0", "output-collector")) {
      SecurityContext sc = container(pod(job), name).getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).as(name).isTrue();
      assertThat(sc.getRunAsUser()).as(name).isEqualTo(65532L);
      assertThat(sc.getReadOnlyRootFilesystem()).as(name).isTrue();
    }
    for (String name : List.of("opencode-init", "agent")) {
      SecurityContext sc = container(pod(job), name).getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).as(name + ": upstream's images run as root").isNull();
      assertThat(sc.getRunAsUser()).as(name).isNull();
      assertThat(sc.getReadOnlyRootFilesystem()).as(name).isNull();
    }
    assertThat(pod(job).getSecurityContext().getRunAsNonRoot()).isNull();
    assertThat(pod(job).getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void agentContainerHasDefaultCommandEnvWorkspaceAndTools() {
    Container agent = container(pod(job(List.of(), List.of())), "agent");

    assertThat(agent.getImage()).isEqualTo("example.test/devbox:1");
    assertThat(agent.getCommand()).containsExactly("sh", "-c",
        "/tools/opencode run \"$(cat ${WORKSPACE_DIR}/task.md)\"");
    assertThat(agent.getWorkingDir()).isEqualTo(WS);
    assertThat(plainEnv(agent)).containsEntry("HOME", "/tmp").containsEntry("SHELL", "/bin/bash")
        .containsEntry("TASK_NAME", "fix").containsEntry("TASK_NAMESPACE", NS).containsEntry("WORKSPACE_DIR", WS)
        .doesNotContainKey("OPENCODE_CONFIG");
    assertThat(agent.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("workspace", WS),
            org.assertj.core.groups.Tuple.tuple("tools", "/tools"));
    Container init = container(pod(job(List.of(), List.of())), "opencode-init");
    assertThat(init.getImage()).isEqualTo("example.test/opencode:1");
    assertThat(init.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tools");
  }

  @Test
  void agentImagesCommandAndConfigComeFromTheAgent() {
    AgentSpec agent = new AgentSpec("example.test/my-agent:2", "example.test/my-devbox:2", "/work",
        List.of("bash", "-lc", "run"), List.of(), "{\"model\":\"m\"}", List.of(), null, "sa", null, null, null);
    Pod job = AgentPodBuilder.pod(inputs(Fixtures.task("t", Fixtures.spec("x", List.of(), List.of())), agent, null,
        NS), 0, null);

    Container main = container(pod(job), "agent");
    assertThat(main.getImage()).isEqualTo("example.test/my-devbox:2");
    assertThat(main.getCommand()).containsExactly("bash", "-lc", "run");
    assertThat(plainEnv(main)).containsEntry("OPENCODE_CONFIG", "/tools/opencode.json")
        .containsEntry("WORKSPACE_DIR", "/work");
    assertThat(main.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/tools/opencode.json");
      assertThat(m.getSubPath()).isEqualTo("opencode.json");
      assertThat(m.getName()).isEqualTo("context");
    });
    assertThat(container(pod(job), "opencode-init").getImage()).isEqualTo("example.test/my-agent:2");
  }

  @Test
  void namespaceConfigReplacesEverySystemImageAndPullPolicy() {
    Task task = Fixtures.task("t", Fixtures.spec("x", List.of(ContextItem.git("a", "a",
        new GitContext("https://example.test/r.git", null, null, null, null, null))),
        List.of(new OutputParameter("o", "o", null))));
    Pod job = AgentPodBuilder.pod(inputs(task, Fixtures.agentSpec(List.of(), List.of(), null),
        new SystemImage("example.test/system:9", PullPolicy.Always), NS), 0, null);

    for (String name : List.of("context-init", "git-init-0", "output-collector")) {
      assertThat(container(pod(job), name).getImage()).as(name).isEqualTo("example.test/system:9");
      assertThat(container(pod(job), name).getImagePullPolicy()).as(name).isEqualTo("Always");
    }
    Pod defaults = job(List.of(ContextItem.git("a", "a", new GitContext("r", null, null, null, null, null))),
        List.of());
    assertThat(container(pod(defaults), "git-init-0").getImage()).isEqualTo("example.test/git-init:1");
    assertThat(container(pod(defaults), "git-init-0").getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @Test
  void contextInitGetsTheMappingsAndTheContextConfigMap() throws Exception {
    Pod job = job(List.of(ContextItem.text("guide", "docs/guide.md", "Be brief."),
        ContextItem.url("spec", "spec.json", new UrlContext("https://example.test/s", Map.of(),
            new SecretReference("url-creds"), null, null))), List.of());
    Container init = container(pod(job), "context-init");

    assertThat(init.getArgs()).containsExactly("context-init");
    Map<String, String> env = plainEnv(init);
    assertThat(env).containsEntry("CONFIGMAP_PATH", "/kubeopencode/context").containsEntry("WORKSPACE_DIR", WS)
        .containsEntry("DIR_MAPPINGS", "[]");
    assertThat(JSON.readTree(env.get("FILE_MAPPINGS"))).isEqualTo(JSON.readTree("""
        [{"key":"task.md","targetPath":"/workspace/task.md","fileMode":420},
         {"key":"file-0","targetPath":"/workspace/docs/guide.md","fileMode":420}]"""));
    assertThat(JSON.readTree(env.get("URL_CONTEXTS")).get(0).get("authEnvPrefix").asText()).isEqualTo("URL_0");
    assertThat(init.getEnv()).filteredOn(e -> e.getName().startsWith("URL_0_"))
        .allSatisfy(e -> {
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("url-creds");
          assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        })
        .extracting(EnvVar::getName).containsExactly("URL_0_TOKEN", "URL_0_USERNAME", "URL_0_PASSWORD");
    assertThat(init.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("context");
      assertThat(m.getMountPath()).isEqualTo("/kubeopencode/context");
      assertThat(m.getReadOnly()).isTrue();
    });
    Volume context = pod(job).getVolumes().stream().filter(v -> v.getName().equals("context")).findFirst()
        .orElseThrow();
    assertThat(context.getConfigMap().getName()).isEqualTo("fix-context");
    assertThat(context.getConfigMap().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
        .containsExactlyInAnyOrder("task.md=task.md", "file-0=file-0");
  }

  @Test
  void gitInitGetsTheRepositoryAndSecretBackedCredentials() {
    Pod job = job(List.of(ContextItem.git("src", "repos/app", new GitContext("https://example.test/app.git",
        "v1.2.0", 0, "services/api", true, new SecretReference("git-creds")))), List.of());
    Container git = container(pod(job), "git-init-0");

    assertThat(git.getArgs()).containsExactly("git-init");
    assertThat(plainEnv(git)).containsEntry("GIT_REPO", "https://example.test/app.git")
        .containsEntry("GIT_REF", "v1.2.0").containsEntry("GIT_DEPTH", "0").containsEntry("GIT_ROOT", WS + "/repos")
        .containsEntry("GIT_LINK", "app").containsEntry("GIT_SUBPATH", "services/api")
        .containsEntry("GIT_RECURSE_SUBMODULES", "true");
    assertThat(git.getEnv()).filteredOn(e -> e.getValueFrom() != null)
        .extracting(e -> e.getName() + "<-" + e.getValueFrom().getSecretKeyRef().getName() + "/"
            + e.getValueFrom().getSecretKeyRef().getKey())
        .containsExactly("GIT_USERNAME<-git-creds/username", "GIT_PASSWORD<-git-creds/password",
            "GIT_SSH_KEY<-git-creds/ssh-privatekey", "GIT_SSH_KNOWN_HOSTS<-git-creds/ssh-known-hosts");
    assertThat(git.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly(WS, "/tmp");
    assertThat(plainEnv(container(pod(job), "agent"))).as("git in the agent trusts git-init's clones")
        .containsEntry("GIT_CONFIG_COUNT", "1").containsEntry("GIT_CONFIG_KEY_0", "include.path")
        .containsEntry("GIT_CONFIG_VALUE_0", WS + "/.kubeopencode/gitconfig");
  }

  @Test
  void credentialsInAllFourModesGoToTheAgentContainerOnly() {
    AgentSpec agent = Fixtures.agentSpec(List.of(), List.of(
        new Credential("all", new SecretKeyReference("api-keys", null), null, null, null),
        new Credential("dir", new SecretKeyReference("certs", null), "/etc/certs", null, 0440),
        new Credential("token", new SecretKeyReference("gh", "token"), null, "GITHUB_TOKEN", null),
        new Credential("key", new SecretKeyReference("ssh", "id_ed25519"), "/home/agent/.ssh/id_ed25519", null,
            null)), null);
    Pod job = AgentPodBuilder.pod(inputs(Fixtures.task("t", Fixtures.spec("x", List.of(), List.of())), agent, null,
        NS), 0, null);
    Container main = container(pod(job), "agent");

    assertThat(main.getEnvFrom()).singleElement()
        .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("api-keys"));
    assertThat(main.getEnv()).filteredOn(e -> e.getName().equals("GITHUB_TOKEN")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName() + "/"
            + e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("gh/token"));
    assertThat(main.getVolumeMounts()).filteredOn(m -> m.getName().startsWith("credential-"))
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getSubPath() + ":" + m.getReadOnly())
        .containsExactly("credential-1:/etc/certs:null:true",
            "credential-3:/home/agent/.ssh/id_ed25519:id_ed25519:true");
    Map<String, Volume> volumes = pod(job).getVolumes().stream()
        .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("credential-1").getSecret().getSecretName()).isEqualTo("certs");
    assertThat(volumes.get("credential-1").getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(volumes.get("credential-3").getSecret().getItems()).singleElement().satisfies(i -> {
      assertThat(i.getKey()).isEqualTo("id_ed25519");
      assertThat(i.getMode()).isEqualTo(0600);
    });
    for (Container c : pod(job).getInitContainers()) {
      assertThat(c.getEnvFrom()).as(c.getName()).isNullOrEmpty();
      assertThat(c.getEnv()).as(c.getName()).noneMatch(e -> e.getName().equals("GITHUB_TOKEN"));
    }
  }

  @Test
  void aCredentialKeyWithNowhereToGoIsAnError() {
    AgentSpec agent = Fixtures.agentSpec(List.of(), List.of(
        new Credential("lost", new SecretKeyReference("s", "k"), null, null, null)), null);

    assertThatThrownBy(() -> AgentPodBuilder.pod(inputs(Fixtures.task("t", Fixtures.spec("x", List.of(),
        List.of())), agent, null, NS), 0, null))
        .isInstanceOf(TaskFailure.class)
        .hasMessage("credential 'lost' names key 'k' but neither env nor mountPath to put it in");
  }

  @Test
  void podSpecSettingsAreCopiedOntoThePod() {
    AgentSpec agent = new AgentSpec(null, null, WS, null, null, null, null,
        AgentPodSpec.of(Map.of("team", "a"), Map.of("note", "x"),
            new PodScheduling(Map.of("pool", "agents"), List.of(new TolerationBuilder().withKey("dedicated")
                .withOperator("Exists").withEffect("NoSchedule").build()),
                new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity().endNodeAffinity()
                    .build()),
            "gvisor", new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("2Gi")).build()),
        "sa", null, null, null);
    Pod job = AgentPodBuilder.pod(inputs(Fixtures.task("t", Fixtures.spec("x", List.of(), List.of())), agent, null,
        NS), 0, null);

    assertThat(job.getMetadata().getLabels()).containsEntry("team", "a")
        .containsEntry("kubeopencode.io/task", "t");
    assertThat(job.getMetadata().getAnnotations()).containsEntry("note", "x")
        .containsEntry("kubeopencode.io/task", NS + "/t");
    assertThat(pod(job).getNodeSelector()).containsEntry("pool", "agents");
    assertThat(pod(job).getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
    assertThat(pod(job).getAffinity().getNodeAffinity()).isNotNull();
    assertThat(pod(job).getRuntimeClassName()).isEqualTo("gvisor");
    assertThat(container(pod(job), "agent").getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void aReplacementPodIsNamedAfterItsAttemptAndCarriesTheDeadlineItIsGiven() {
    Task task = Fixtures.task("t", Fixtures.spec("x", List.of(), List.of()));
    Pod pod = AgentPodBuilder.pod(inputs(task, Fixtures.agentSpec(List.of(), List.of(), null), null, NS), 2, 5400L);

    assertThat(pod.getMetadata().getName()).isEqualTo("t-pod-2");
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(5400L);
  }

  @Test
  void filesOutsideTheWorkspaceAreMountedReadOnlyFromTheContextConfigMapWithTheirMode() {
    ContextItem script = new ContextItem("run", null, io.kubeopencode.api.v1alpha1.ContextType.Text,
        "/opt/bin/run.sh", 0755, null, "echo", null, null, null, null);
    PodSpec pod = pod(job(List.of(ContextItem.text("rules", "/etc/agent/rules.md", "r"), script), List.of()));
    Container agent = container(pod, "agent");

    assertThat(agent.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("context");
      assertThat(m.getMountPath()).isEqualTo("/etc/agent/rules.md");
      assertThat(m.getSubPath()).isEqualTo("file-0");
      assertThat(m.getReadOnly()).isTrue();
    });
    Volume context = pod.getVolumes().stream().filter(v -> v.getName().equals("context")).findFirst().orElseThrow();
    assertThat(context.getConfigMap().getItems()).extracting(i -> i.getKey() + "=" + i.getMode())
        .containsExactlyInAnyOrder("task.md=null", "file-0=420", "file-1=493");
  }

  @Test
  void contextConfigMapIsOwnedByTheTaskAndHoldsThePlan() {
    Task task = Fixtures.task("fix", Fixtures.spec("Fix it.", List.of(), List.of()));
    ConfigMap cm = AgentPodBuilder.contextConfigMap(inputs(task, Fixtures.agentSpec(List.of(), List.of(), null),
        null, NS));

    assertThat(cm.getMetadata().getName()).isEqualTo("fix-context");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-fix"));
    assertThat(cm.getMetadata().getLabels()).containsEntry("kubeopencode.io/task", "fix");
    assertThat(cm.getData()).containsExactly(Map.entry("task.md", "Fix it."));
  }

  @Test
  void aCrossNamespacePodIsNamedAfterBothAndLabelledWithTheTasksNamespace() {
    Task task = Fixtures.task("fix", Fixtures.spec("x", List.of(), List.of()));
    Pod job = AgentPodBuilder.pod(inputs(task, Fixtures.agentSpec(List.of(), List.of(), null), null, "agents"), 0,
        null);

    assertThat(job.getMetadata().getName()).isEqualTo(NS + "-fix-pod");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("agents");
    assertThat(job.getMetadata().getLabels()).containsEntry("kubeopencode.io/task-namespace", NS);
    assertThat(job.getMetadata().getOwnerReferences()).as("owner references cannot cross namespaces").isEmpty();
  }
}
