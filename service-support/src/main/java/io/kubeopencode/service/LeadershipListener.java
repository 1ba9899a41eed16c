package io.kubeopencode.service;

/**
 * Told when this instance gains or loses leadership; the service starts and stops its workers here. Calls alternate,
 * starting with {@link #startedLeading()}, and run on the leader election's threads.
 *
 * <p>{@link #startedLeading()} should return quickly (start the workers on the service's own threads): the elector
 * renews the lease on the same thread. {@link #stoppedLeading()} should return once the workers have stopped: on
 * {@link LeaderElection#close()} the lease is released only after it returns, so a successor never overlaps with them.
 */
public interface LeadershipListener {
  void startedLeading();

  void stoppedLeading();

  LeadershipListener NONE = new LeadershipListener() {
    @Override
    public void startedLeading() {
    }

    @Override
    public void stoppedLeading() {
    }
  };
}
