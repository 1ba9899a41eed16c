package io.kubeopencode.images.bench;

import io.kubeopencode.testsupport.CommandResult;
import io.kubeopencode.testsupport.Containerd;
import io.kubeopencode.testsupport.Containerd.RunSpec;
import io.kubeopencode.testsupport.RunningContainer;
import java.time.Duration;

/** Runs of a container that does its work and exits: the init programs and the baseline. */
final class RunToExit {
  private final Containerd containerd;

  RunToExit(Containerd containerd) {
    this.containerd = containerd;
  }

  /**
   * Launch to the exit of {@code ctr run --rm} (the container deleted); fails unless it exits 0. CPU: the container's
   * cgroup's last reading before it went (polled every 5 ms, so a few ms short at most).
   */
  Sample measure(RunSpec spec) {
    double load = HostReadings.load1();
    RunningContainer container = containerd.startContainer(spec);
    long taskMs = -1;
    long cpuNanos = -1;
    CommandResult result;
    while ((result = container.awaitExit(Duration.ofMillis(5))) == null) {
      if (taskMs < 0 && container.pid().isPresent()) {
        taskMs = container.sinceLaunch().toMillis();
      }
      cpuNanos = Math.max(cpuNanos, HostReadings.cpuNanos(container));
      if (container.sinceLaunch().compareTo(Scenario.TIME_LIMIT) > 0) {
        container.kill();
        container.awaitExit(Scenario.TIME_LIMIT);
        throw new IllegalStateException(container.id() + " did not finish within " + Scenario.TIME_LIMIT);
      }
    }
    long doneMs = container.sinceLaunch().toMillis();
    if (result.exitCode() != 0) {
      throw new IllegalStateException(container.id() + " (" + spec.image() + ") exited with " + result.exitCode()
          + "; stdout: " + result.stdout() + "; stderr: " + result.stderr());
    }
    return new Sample(taskMs, doneMs, -1, -1, -1, Sample.scaled(cpuNanos, 1_000_000), load);
  }
}
