package io.kubeopencode.gitinit;

import io.kubeopencode.podcontract.PodContract;

/**
 * The environment git-init reads. The names the controller sets are {@code PodContract}'s (one definition); the
 * others are git-init's own, with defaults that suit a pod.
 */
public final class EnvNames {
  public static final String GIT_REPO = PodContract.ENV_GIT_REPO;
  public static final String GIT_REF = PodContract.ENV_GIT_REF;
  public static final String GIT_DEPTH = PodContract.ENV_GIT_DEPTH;
  public static final String GIT_ROOT = PodContract.ENV_GIT_ROOT;
  public static final String GIT_LINK = PodContract.ENV_GIT_LINK;
  public static final String GIT_SUBPATH = PodContract.ENV_GIT_SUBPATH;
  public static final String GIT_RECURSE_SUBMODULES = PodContract.ENV_GIT_RECURSE_SUBMODULES;
  public static final String GIT_USERNAME = PodContract.ENV_GIT_USERNAME;
  public static final String GIT_PASSWORD = PodContract.ENV_GIT_PASSWORD;
  public static final String GIT_SSH_KEY = PodContract.ENV_GIT_SSH_KEY;
  public static final String GIT_SSH_KNOWN_HOSTS = PodContract.ENV_GIT_SSH_KNOWN_HOSTS;
  /** A PEM file (or a directory of them) with CA certificates trusted for https, besides the JVM's own. */
  public static final String CUSTOM_CA_CERT_PATH = PodContract.ENV_CUSTOM_CA_CERT_PATH;
  /** The agent's workspace (set by the controller on every system container): home of the shared git config. */
  public static final String WORKSPACE_DIR = PodContract.ENV_WORKSPACE_DIR;
  /** Where the agent sees GIT_ROOT/GIT_LINK when a volume of its own is mounted there: safe.directory names it. */
  public static final String GIT_EXPOSED_AT = PodContract.ENV_GIT_EXPOSED_AT;
  /** A Git context at the workspace root: the checkout's entries are moved into this directory. */
  public static final String GIT_MERGE_INTO = PodContract.ENV_GIT_MERGE_INTO;
  /** Proxies for http(s) remotes, read through {@code ProxyEnv} (lower-case spellings too). */
  public static final String HTTP_PROXY = PodContract.ENV_HTTP_PROXY;
  public static final String HTTPS_PROXY = PodContract.ENV_HTTPS_PROXY;
  public static final String NO_PROXY = PodContract.ENV_NO_PROXY;

  /** Retries after the first attempt, on transient network errors only. */
  public static final String GIT_CLONE_RETRIES = "GIT_CLONE_RETRIES";
  /** Delay before the first retry ("5s", "500ms", "1m" or plain seconds); doubled for each further retry. */
  public static final String GIT_CLONE_RETRY_DELAY = "GIT_CLONE_RETRY_DELAY";
  /** Where the one-line failure message goes (Kubernetes shows it as the container's termination message). */
  public static final String GIT_TERMINATION_LOG = "GIT_TERMINATION_LOG";

  private EnvNames() {}
}
