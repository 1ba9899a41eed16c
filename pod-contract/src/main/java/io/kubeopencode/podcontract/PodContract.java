package io.kubeopencode.podcontract;

/**
 * What the controller and the programs in the agent pod (git-init, context-init, output-collector) agree on: the
 * container roles, environment variables and fixed paths. The JSON values are the records of this package.
 */
public final class PodContract {
  /** First argument of a system container: the role the (possibly shared) system image plays. */
  public static final String ROLE_GIT_INIT = "git-init";
  public static final String ROLE_CONTEXT_INIT = "context-init";
  public static final String ROLE_OUTPUT_COLLECTOR = "output-collector";

  public static final String ENV_WORKSPACE_DIR = "WORKSPACE_DIR";
  public static final String ENV_TASK_NAME = "TASK_NAME";
  public static final String ENV_TASK_NAMESPACE = "TASK_NAMESPACE";

  /** context-init: where the Task's context ConfigMap is mounted (read-only). */
  public static final String ENV_CONFIGMAP_PATH = "CONFIGMAP_PATH";
  /** context-init: JSON array of {@link FileMapping}. */
  public static final String ENV_FILE_MAPPINGS = "FILE_MAPPINGS";
  /** context-init: JSON array of {@link DirMapping}. */
  public static final String ENV_DIR_MAPPINGS = "DIR_MAPPINGS";
  /** context-init: JSON array of {@link UrlFetch}. */
  public static final String ENV_URL_CONTEXTS = "URL_CONTEXTS";
  /** context-init: extra absolute directories it may write to besides the workspace, ':'-separated. */
  public static final String ENV_ALLOWED_ROOTS = "ALLOWED_ROOTS";
  /** context-init: the most bytes one URL context may download (default 10 MiB); a larger body fails the fetch. */
  public static final String ENV_URL_MAX_BYTES = "URL_MAX_BYTES";
  /** URL credentials: {@code <authEnvPrefix>_TOKEN}, {@code _USERNAME}, {@code _PASSWORD} (secret-backed, optional). */
  public static final String SUFFIX_TOKEN = "_TOKEN";
  public static final String SUFFIX_USERNAME = "_USERNAME";
  public static final String SUFFIX_PASSWORD = "_PASSWORD";

  /** output-collector: JSON {@link OutputSpec}. */
  public static final String ENV_OUTPUT_SPEC = "OUTPUT_SPEC";
  /**
   * output-collector: the most bytes its termination message may have. The kubelet keeps 12 KiB of termination
   * messages per pod, shared by its containers ({@code OutputsCodec.maxBytesForPod}).
   */
  public static final String ENV_OUTPUT_MAX_BYTES = "OUTPUT_MAX_BYTES";

  /**
   * context-init and output-collector: where to write the termination message, default
   * {@link #DEFAULT_TERMINATION_LOG_PATH}. The controller never sets it (the kubelet reads the default path); tests
   * and local runs do.
   */
  public static final String ENV_TERMINATION_LOG_PATH = "TERMINATION_LOG_PATH";
  public static final String DEFAULT_TERMINATION_LOG_PATH = "/dev/termination-log";

  /** git-init, one repository per container. */
  public static final String ENV_GIT_REPO = "GIT_REPO";
  public static final String ENV_GIT_REF = "GIT_REF";
  public static final String ENV_GIT_DEPTH = "GIT_DEPTH";
  public static final String ENV_GIT_ROOT = "GIT_ROOT";
  public static final String ENV_GIT_LINK = "GIT_LINK";
  public static final String ENV_GIT_SUBPATH = "GIT_SUBPATH";
  public static final String ENV_GIT_RECURSE_SUBMODULES = "GIT_RECURSE_SUBMODULES";
  public static final String ENV_GIT_USERNAME = "GIT_USERNAME";
  public static final String ENV_GIT_PASSWORD = "GIT_PASSWORD";
  public static final String ENV_GIT_SSH_KEY = "GIT_SSH_KEY";
  public static final String ENV_GIT_SSH_KNOWN_HOSTS = "GIT_SSH_KNOWN_HOSTS";
  /**
   * git-init: the path at which the agent container sees {@code GIT_ROOT/GIT_LINK}, when it differs from git-init's
   * own (a Git context outside the workspace is cloned into a volume of its own and mounted there by subPath); the
   * {@code safe.directory} entries name it. Default: the same path.
   */
  public static final String ENV_GIT_EXPOSED_AT = "GIT_EXPOSED_AT";
  /**
   * git-init: a Git context mounted at the workspace root. The clone is made at {@code GIT_ROOT/GIT_LINK} as usual
   * (a staging directory on the workspace volume), then its entries (or those of {@code GIT_SUBPATH}) are moved into
   * this directory; what the workspace already holds there (task.md, other contexts) is kept.
   */
  public static final String ENV_GIT_MERGE_INTO = "GIT_MERGE_INTO";
  /**
   * git-init: the hidden directory under {@code GIT_ROOT} where a checkout with a subpath lives; the exposed
   * {@code GIT_ROOT/GIT_LINK} is a link into it. The controller mounts {@code GIT_HIDDEN_DIR/GIT_LINK/<subpath>} by
   * subPath when the agent sees the clone through a volume of its own.
   */
  public static final String GIT_HIDDEN_DIR = ".kubeopencode-git";
  /** Keys of a Git context's Secret. */
  public static final String SECRET_KEY_USERNAME = "username";
  public static final String SECRET_KEY_PASSWORD = "password";
  public static final String SECRET_KEY_SSH_PRIVATE_KEY = "ssh-privatekey";
  public static final String SECRET_KEY_SSH_KNOWN_HOSTS = "ssh-known-hosts";
  /** Keys of a URL context's Secret. */
  public static final String SECRET_KEY_TOKEN = "token";

  /**
   * Every container, when the Agent names a CA bundle: a PEM file of CA certificates trusted in addition to the
   * system's (git-init, context-init's URL downloads; the agent gets it too, as upstream set it).
   */
  public static final String ENV_CUSTOM_CA_CERT_PATH = "CUSTOM_CA_CERT_PATH";
  /** Where the Agent's CA bundle (a ConfigMap or Secret key) is mounted read-only in every container. */
  public static final String CA_BUNDLE_DIR = "/kubeopencode/ca";
  public static final String CA_BUNDLE_FILE = CA_BUNDLE_DIR + "/ca-bundle.crt";
  /**
   * Relative to the workspace: context-init writes the system CA certificates plus the custom ones here, so the
   * agent's {@code SSL_CERT_FILE} and {@code GIT_SSL_CAINFO} (which replace, not extend, the system list) trust both.
   */
  public static final String COMBINED_CA_FILE = ".kubeopencode/ca-certificates.crt";
  /** context-init: the system CA bundle it combines with the custom one (tests point it elsewhere). */
  public static final String ENV_SYSTEM_CA_BUNDLE = "SYSTEM_CA_BUNDLE";
  public static final String DEFAULT_SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  /**
   * Every container, when the Agent names a proxy: both spellings are set, as tools differ in which they read;
   * git-init and context-init read them through {@link ProxyEnv}.
   */
  public static final String ENV_HTTP_PROXY = "HTTP_PROXY";
  public static final String ENV_HTTPS_PROXY = "HTTPS_PROXY";
  public static final String ENV_NO_PROXY = "NO_PROXY";

  /** Fixed paths in the pod. */
  public static final String TOOLS_DIR = "/tools";
  public static final String CONTEXT_MOUNT = "/kubeopencode/context";
  public static final String OPENCODE_CONFIG_PATH = TOOLS_DIR + "/opencode.json";
  /** Relative to the workspace. */
  public static final String TASK_FILE = "task.md";
  /**
   * Git config git-init writes (its {@code safe.directory} entries), relative to the workspace; the agent container
   * includes it through {@code GIT_CONFIG_COUNT}/{@code GIT_CONFIG_KEY_0}/{@code GIT_CONFIG_VALUE_0}, so git there
   * trusts clones made by another user.
   */
  public static final String GIT_SHARED_CONFIG = ".kubeopencode/gitconfig";
  public static final String CONTEXT_FILE = ".kubeopencode/context.md";

  private PodContract() {}
}
