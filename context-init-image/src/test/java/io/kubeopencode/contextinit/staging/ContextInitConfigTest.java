package io.kubeopencode.contextinit.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.paths.PathRefused;
import io.kubeopencode.contextinit.paths.PathRefused.Reason;
import io.kubeopencode.podcontract.DirMapping;
import io.kubeopencode.podcontract.FileMapping;
import io.kubeopencode.podcontract.UrlFetch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextInitConfigTest {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("WORKSPACE_DIR", "/workspace");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static void assertInvalid(Map<String, String> env, String message) {
    assertThatThrownBy(() -> ContextInitConfig.from(env))
        .isInstanceOfSatisfying(Failure.class, e -> assertThat(e.kind()).isEqualTo(Failure.Kind.INVALID_CONFIG))
        .hasMessage("InvalidConfig: " + message);
  }

  @Test
  void defaultsWhenOnlyTheWorkspaceIsSet() {
    ContextInitConfig config = ContextInitConfig.from(env());

    assertThat(config.workspace()).isEqualTo("/workspace");
    assertThat(config.configMapPath()).isEqualTo("/kubeopencode/context");
    assertThat(config.files()).isEmpty();
    assertThat(config.dirs()).isEmpty();
    assertThat(config.urls()).isEmpty();
    assertThat(config.allowedRoots()).containsExactly("/workspace");
    assertThat(config.urlMaxBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(config.task()).isNull();
    assertThat(config.customCa()).isNull();
    assertThat(config.systemCaBundle()).isEqualTo(Path.of("/etc/ssl/certs/ca-certificates.crt"));
  }

  @Test
  void readsWhatTheControllerWrites() {
    // Exactly as SystemContainers serialises the pod-contract records (every field, nulls included).
    ContextInitConfig config = ContextInitConfig.from(env(
        "CONFIGMAP_PATH", "/kubeopencode/context/",
        "FILE_MAPPINGS", "[{\"key\":\"task.md\",\"targetPath\":\"/workspace/task.md\",\"fileMode\":420}]",
        "DIR_MAPPINGS", "[{\"sourcePath\":\"/kubeopencode/context/dirs/2\",\"targetPath\":\"/workspace/docs\"}]",
        "URL_CONTEXTS", "[{\"source\":\"https://example.com/a\",\"targetPath\":\"/workspace/a\",\"headers\":null,"
            + "\"timeoutSeconds\":30,\"insecureSkipTLSVerify\":false,\"optional\":true,\"authEnvPrefix\":\"URL_0\"}]",
        "ALLOWED_ROOTS", "/etc/extra::/opt/x/",
        "URL_MAX_BYTES", "1024",
        "TASK_NAME", "t1", "TASK_NAMESPACE", "ns",
        "CUSTOM_CA_CERT_PATH", "/kubeopencode/ca/ca-bundle.crt", "SYSTEM_CA_BUNDLE", "/etc/pki//tls/cert.pem"));

    assertThat(config.configMapPath()).isEqualTo("/kubeopencode/context");
    assertThat(config.files()).containsExactly(new FileMapping("task.md", "/workspace/task.md", 0644));
    assertThat(config.dirs()).containsExactly(new DirMapping("/kubeopencode/context/dirs/2", "/workspace/docs"));
    assertThat(config.urls()).containsExactly(new UrlFetch("https://example.com/a", "/workspace/a", Map.of(), 30,
        false, true, "URL_0"));
    assertThat(config.allowedRoots()).containsExactly("/workspace", "/etc/extra", "/opt/x");
    assertThat(config.urlMaxBytes()).isEqualTo(1024);
    assertThat(config.task()).isEqualTo("ns/t1");
    assertThat(config.customCa()).isEqualTo(Path.of("/kubeopencode/ca/ca-bundle.crt"));
    assertThat(config.systemCaBundle()).isEqualTo(Path.of("/etc/pki/tls/cert.pem"));
  }

  @Test
  void emptyAndNullJsonMeanNoMappings() {
    ContextInitConfig config = ContextInitConfig.from(env("FILE_MAPPINGS", "", "DIR_MAPPINGS", "null",
        "URL_CONTEXTS", "  "));

    assertThat(config.files()).isEmpty();
    assertThat(config.dirs()).isEmpty();
    assertThat(config.urls()).isEmpty();
  }

  @Test
  void aUrlWithoutTimeoutGetsTheDefault() {
    ContextInitConfig config = ContextInitConfig.from(env(
        "URL_CONTEXTS", "[{\"source\":\"http://h/a\",\"targetPath\":\"/workspace/a\"}]"));

    assertThat(config.urls().get(0).timeoutSeconds()).isEqualTo(30);
    assertThat(config.urls().get(0).headers()).isEmpty();
    assertThat(config.urls().get(0).optional()).isFalse();
  }

  @Test
  void malformedVariablesAreNamed() {
    Map<String, String> noWorkspace = env();
    noWorkspace.remove("WORKSPACE_DIR");
    assertInvalid(noWorkspace, "WORKSPACE_DIR is required");
    assertInvalid(env("WORKSPACE_DIR", "workspace"), "WORKSPACE_DIR 'workspace' is not absolute");
    assertInvalid(env("WORKSPACE_DIR", "/"), "WORKSPACE_DIR '/' is the root directory itself, not a file in it: "
        + "'/' cannot be a root");
    assertInvalid(env("ALLOWED_ROOTS", "/ok:rel"), "ALLOWED_ROOTS entry 'rel' is not absolute");
    assertInvalid(env("SYSTEM_CA_BUNDLE", "certs.pem"), "SYSTEM_CA_BUNDLE must be an absolute path, not 'certs.pem'");
    assertInvalid(env("FILE_MAPPINGS", "[{"), "FILE_MAPPINGS is not valid JSON: Unexpected end-of-input: "
        + "expected close marker for Object (start marker at [Source: REDACTED "
        + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]) (at character 3)");
    assertInvalid(env("FILE_MAPPINGS", "{}"), "FILE_MAPPINGS must be a JSON array, not a object");
    assertInvalid(env("FILE_MAPPINGS", "[1]"), "FILE_MAPPINGS[0] must be a JSON object, not a number");
    assertInvalid(env("FILE_MAPPINGS", "[{\"key\":\"task.md\",\"targetPath\":\"/workspace/t\"}]"),
        "FILE_MAPPINGS[0]: required field 'fileMode' is missing");
    assertInvalid(env("FILE_MAPPINGS", "[{\"key\":\"a\",\"targetPath\":\"/workspace/t\",\"fileMode\":420,"
        + "\"owner\":1}]"), "FILE_MAPPINGS[0]: unknown field 'owner'");
    assertInvalid(env("FILE_MAPPINGS", "[{\"key\":\"../x\",\"targetPath\":\"/workspace/t\",\"fileMode\":420}]"),
        "FILE_MAPPINGS[0]: key '../x' may only contain letters, digits, '-', '_' and '.'");
    assertInvalid(env("FILE_MAPPINGS", "[{\"key\":\"a\",\"targetPath\":\"/workspace/t\",\"fileMode\":2541}]"),
        "FILE_MAPPINGS[0]: fileMode 2541 is not between 0 and 0777 (511)");
    assertInvalid(env("FILE_MAPPINGS", "[{\"key\":\"a\",\"targetPath\":\"/workspace/t\",\"fileMode\":\"rw\"}]"),
        "FILE_MAPPINGS[0]: Cannot deserialize value of type `int` from String \"rw\": not a valid `int` value");
    assertInvalid(env("DIR_MAPPINGS", "[{\"targetPath\":\"/workspace/t\"}]"),
        "DIR_MAPPINGS[0]: required field 'sourcePath' is missing");
    assertInvalid(env("URL_CONTEXTS", "[{\"source\":\"http://h\",\"targetPath\":\"/workspace/t\","
        + "\"timeoutSeconds\":-1}]"), "URL_CONTEXTS[0]: timeoutSeconds must not be negative, was -1");
    assertInvalid(env("URL_CONTEXTS", "[{\"source\":\"http://h\",\"targetPath\":\"/workspace/t\","
        + "\"headers\":{\"Host\":\"evil\"}}]"),
        "URL_CONTEXTS[0]: header 'Host' is set by the HTTP client and cannot be configured");
    assertInvalid(env("URL_CONTEXTS", "[{\"source\":\"http://h\",\"targetPath\":\"/workspace/t\","
        + "\"headers\":{\"X-A\":\"a\\r\\nX-Injected: 1\"}}]"),
        "URL_CONTEXTS[0]: the value of header 'X-A' contains a line break or control character");
    assertInvalid(env("URL_CONTEXTS", "[{\"source\":\"http://h\",\"targetPath\":\"/workspace/t\","
        + "\"authEnvPrefix\":\"URL-0\"}]"), "URL_CONTEXTS[0]: authEnvPrefix 'URL-0' is not an environment variable name");
    assertInvalid(env("URL_MAX_BYTES", "10MiB"), "URL_MAX_BYTES must be a positive number of bytes, not '10MiB'");
    assertInvalid(env("URL_MAX_BYTES", "0"), "URL_MAX_BYTES must be a positive number of bytes, not '0'");
  }

  @Test
  void thePlanRefusesEscapingTargetsBeforeAnythingIsWritten() {
    ContextInitConfig config = ContextInitConfig.from(env(
        "FILE_MAPPINGS", "[{\"key\":\"a\",\"targetPath\":\"/workspace/ok\",\"fileMode\":420},"
            + "{\"key\":\"b\",\"targetPath\":\"/etc/cron.d/x\",\"fileMode\":420}]"));

    assertThatThrownBy(() -> StagingPlan.of(config, Map.of()))
        .isInstanceOfSatisfying(PathRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.OUTSIDE_ROOTS))
        .hasMessage("PathRefused: FILE_MAPPINGS[1] targetPath '/etc/cron.d/x' is outside the directories "
            + "context-init may write to (allowed: /workspace)");
  }

  @Test
  void thePlanAllowsDeclaredExtraRoots() {
    ContextInitConfig config = ContextInitConfig.from(env("ALLOWED_ROOTS", "/home/agent",
        "FILE_MAPPINGS", "[{\"key\":\"a\",\"targetPath\":\"/home/agent/.config/x\",\"fileMode\":384}]",
        "DIR_MAPPINGS", "[{\"sourcePath\":\"dirs/1\",\"targetPath\":\"/workspace/.\"}]"));

    StagingPlan plan = StagingPlan.of(config, Map.of());

    assertThat(plan.files().get(0).target().root()).isEqualTo("/home/agent");
    assertThat(plan.files().get(0).mode()).isEqualTo(0600);
    assertThat(plan.dirs().get(0).source()).containsExactly("dirs", "1");
    assertThat(plan.dirs().get(0).target().segments()).isEmpty();
  }

  @Test
  void aRequiredBadUrlFailsThePlanAnOptionalOneIsKeptAsRefused() {
    String urls = "[{\"source\":\"file:///etc/passwd\",\"targetPath\":\"/workspace/a\",\"optional\":%s}]";
    ContextInitConfig required = ContextInitConfig.from(env("URL_CONTEXTS", urls.formatted("false")));
    ContextInitConfig optional = ContextInitConfig.from(env("URL_CONTEXTS", urls.formatted("true")));

    assertThatThrownBy(() -> StagingPlan.of(required, Map.of()))
        .hasMessage("UrlRefused: URL context 0: only http and https URLs are fetched, not file");
    StagingPlan plan = StagingPlan.of(optional, Map.of());
    assertThat(plan.urls()).hasSize(1);
    assertThat(plan.urls().get(0).refused()).hasMessageContaining("only http and https");
    assertThat(plan.urls().get(0).uri()).isNull();
  }

  @Test
  void urlCredentialsComeFromThePrefixedVariables() {
    ContextInitConfig config = ContextInitConfig.from(env("URL_CONTEXTS",
        "[{\"source\":\"http://h/a\",\"targetPath\":\"/workspace/a\",\"authEnvPrefix\":\"URL_3\"}]"));

    StagingPlan plan = StagingPlan.of(config, Map.of("URL_3_TOKEN", "tok\n"));

    assertThat(plan.urls().get(0).credentials()).hasValueSatisfying(c -> {
      assertThat(c.scheme()).isEqualTo("Bearer");
      assertThat(c.headerValue()).isEqualTo("Bearer tok");
    });
    assertThat(List.of(plan.urls().get(0).toString())).noneMatch(s -> s.contains("tok"));
  }
}
