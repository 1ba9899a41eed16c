package io.kubeopencode.gitinit;

/**
 * The environment git-init reads. The names the controller sets mirror {@code PodContract.ENV_GIT_*} (a test keeps them
 * equal); the others are git-init's own, with defaults that suit a pod.
 */
public final class EnvNames {
  public static final String GIT_REPO = "GIT_REPO";
  public static final String GIT_REF = "GIT_REF";
  public static final String GIT_DEPTH = "GIT_DEPTH";
  public static final String GIT_ROOT = "GIT_ROOT";
  public static final String GIT_LINK = "GIT_LINK";
  public static final String GIT_SUBPATH = "GIT_SUBPATH";
  public static final String GIT_RECURSE_SUBMODULES = "GIT_RECURSE_SUBMODULES";
  public static final String GIT_USERNAME = "GIT_USERNAME";
  public static final String GIT_PASSWORD = "GIT_PASSWORD";
  public static final String GIT_SSH_KEY = "GIT_SSH_KEY";
  public static final String GIT_SSH_KNOWN_HOSTS = "GIT_SSH_KNOWN_HOSTS";

  /** Retries after the first attempt, on transient network errors only. */
  public static final String GIT_CLONE_RETRIES = "GIT_CLONE_RETRIES";
  /** Delay before the first retry ("5s", "500ms", "1m" or plain seconds); doubled for each further retry. */
  public static final String GIT_CLONE_RETRY_DELAY = "GIT_CLONE_RETRY_DELAY";
  /** A PEM file (or a directory of them) with CA certificates trusted for https, besides the JVM's own. */
  public static final String CUSTOM_CA_CERT_PATH = "CUSTOM_CA_CERT_PATH";
  /** Where the one-line failure message goes (Kubernetes shows it as the container's termination message). */
  public static final String GIT_TERMINATION_LOG = "GIT_TERMINATION_LOG";
  /** The agent's workspace (set by the controller on every system container): home of the shared git config. */
  public static final String WORKSPACE_DIR = "WORKSPACE_DIR";

  private EnvNames() {}
}
