package io.kubeopencode.testsupport;

/**
 * The one place for every name and address of the real node ({@link RealNode}): its bridge, the pods' and the
 * Services' address ranges, the cluster's DNS domain, the node's name and its cgroup root. Pod traffic never leaves
 * this machine: the pods have routes for these two ranges only (no default route), nothing is masqueraded, and
 * {@link NodeBridge} drops whatever would be forwarded between the bridge and any other interface.
 */
final class NodeNetwork {
  /** The pods' Linux bridge (at most 15 characters: IFNAMSIZ). */
  static final String BRIDGE = "kubeopencode0";
  /** The pods' addresses: one /24 on the bridge, assigned by host-local. */
  static final String POD_CIDR = "10.244.0.0/24";
  /**
   * The bridge's own address: the pods' gateway, the node's InternalIP, where the API server relay, CoreDNS and
   * test servers listen (a host address no other machine can reach).
   */
  static final String GATEWAY = "10.244.0.1";
  static final int PREFIX_LENGTH = 24;
  /** kube-api-test passes {@code --service-cluster-ip-range 10.0.0.0/24} after every flag of ours: it wins. */
  static final String SERVICE_CIDR = "10.0.0.0/24";
  /** The {@code kubernetes} Service's address: the first of {@link #SERVICE_CIDR}. */
  static final String KUBERNETES_SERVICE_IP = "10.0.0.1";
  static final String CLUSTER_DOMAIN = "cluster.local";
  /** The CNI network's name (also the prefix of libcni's cache files in /var/lib/cni/results). */
  static final String CNI_NETWORK = "kubeopencode";
  /**
   * The node's name. The API server dials the kubelet by its Hostname address, which is the node's name; the
   * kubelet listens on 127.0.0.1 only, so the name must resolve to it without touching /etc/hosts.
   */
  static final String NODE_NAME = "localhost";
  /** The kubelet's cgroupRoot: pods' cgroups are {@code /kubeopencode-node/kubepods/...} in every hierarchy. */
  static final String CGROUP_ROOT = "kubeopencode-node";
  /** The kubelet's ports, on 127.0.0.1. */
  static final int KUBELET_PORT = 10250;
  static final int KUBELET_HEALTHZ_PORT = 10248;

  private NodeNetwork() {}
}
