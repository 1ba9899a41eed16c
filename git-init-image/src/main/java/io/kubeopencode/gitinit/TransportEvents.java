package io.kubeopencode.gitinit;

/**
 * What the transport saw during an attempt that its exceptions do not say reliably: a rejected SSH host key. Set by
 * {@link KnownHostsDatabase}, read by {@link FailureClassifier}.
 */
public final class TransportEvents {
  private volatile String rejectedHostKey;

  public void hostKeyRejected(String host) {
    rejectedHostKey = host;
  }

  public String rejectedHostKey() {
    return rejectedHostKey;
  }

  public void reset() {
    rejectedHostKey = null;
  }
}
