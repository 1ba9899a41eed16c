package io.kubeopencode.testsupport;

import java.nio.file.Path;

/**
 * Started by {@link ContainerdTest} as a separate JVM: a containerd with a running container, then it waits to be
 * stopped with SIGTERM. Prints {@code READY <containerd pid> <container pid>} when everything runs.
 */
public final class ContainerdInChildJvm {
  private ContainerdInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    Containerd containerd = Containerd.start(Path.of(args[0]));
    String image = containerd.importImage(Path.of(args[1])).getFirst();
    RunningContainer container = containerd.startContainer(Containerd.RunSpec.of(image, "sleep", "3600"));
    Await.until("the task to start", () -> container.pid().isPresent());
    System.out.println("READY " + containerd.pid() + " " + container.pid().getAsLong());
    System.out.flush();
    Thread.currentThread().join();
  }
}
