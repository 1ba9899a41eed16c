package io.kubeopencode.testsupport;

/** Started as a separate JVM by {@link KubeClusterLifecycleTest}: runs a full cluster until it is killed. */
public final class ClusterInChildJvm {
  private ClusterInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    KubeCluster.start().withJobController().withSimulatedNodes();
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
