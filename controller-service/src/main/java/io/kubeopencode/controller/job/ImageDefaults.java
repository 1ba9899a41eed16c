package io.kubeopencode.controller.job;

/**
 * Images used when neither the Agent nor the namespace's KubeOpenCodeConfig names one (from the controller's
 * configuration).
 */
public record ImageDefaults(String agentImage, String executorImage, String gitInitImage, String contextInitImage,
    String pullPolicy) {

  public static final String DEFAULT_AGENT_IMAGE = "quay.io/kubeopencode/kubeopencode-agent-opencode:latest";
  public static final String DEFAULT_EXECUTOR_IMAGE = "quay.io/kubeopencode/kubeopencode-agent-devbox:latest";
}
