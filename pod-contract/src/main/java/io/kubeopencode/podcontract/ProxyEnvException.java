package io.kubeopencode.podcontract;

/**
 * A proxy variable that cannot be used. The message starts with the variable's name as it was read
 * ({@code https_proxy: ...}) and never shows a password.
 */
public final class ProxyEnvException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String variable;

  ProxyEnvException(String variable, String detail) {
    super(variable + ": " + detail);
    this.variable = variable;
  }

  /** The variable as it was read: {@code HTTPS_PROXY} or {@code https_proxy}, etc. */
  public String variable() {
    return variable;
  }
}
