package io.kubeopencode.testsupport;

import io.fabric8.kubeapitest.cert.CertManager;
import java.nio.file.Path;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The API server's serving certificate for a real node. kube-api-test writes one for 127.0.0.1 and the
 * {@code kubernetes.default.svc...} names only, unless its four files are there already; pods connect to the
 * {@code kubernetes} Service's address (in-cluster clients use {@code KUBERNETES_SERVICE_HOST}) and through the relay
 * on the bridge address, so this writes them first, in kube-api-test's way, with those two addresses added. The
 * certificate is self-signed: it is also the CA pods trust (the controller manager publishes it as
 * {@code kube-root-ca.crt}).
 */
final class ApiServerCertificates {
  private ApiServerCertificates() {}

  static void write(Path kubeApiTestDir) {
    CertManager names = new CertManager(kubeApiTestDir.toString());
    CertManager.generateKeyAndCertificate("CN=example.org", Path.of(names.getAPIServerKeyPath()).toFile(),
        Path.of(names.getAPIServerCertPath()).toFile(),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.iPAddress, NodeNetwork.GATEWAY),
        new GeneralName(GeneralName.iPAddress, NodeNetwork.KUBERNETES_SERVICE_IP),
        dns("kubernetes"), dns("kubernetes.default"), dns("kubernetes.default.svc"),
        dns("kubernetes.default.svc.cluster"), dns("kubernetes.default.svc." + NodeNetwork.CLUSTER_DOMAIN));
    // As kube-api-test's own: the client certificate is its own CA (--client-ca-file).
    CertManager.generateKeyAndCertificate("O=system:masters,CN=kubeapitest",
        Path.of(names.getClientKeyPath()).toFile(), Path.of(names.getClientCertPath()).toFile());
  }

  /** The certificate pods and host clients trust. */
  static Path caFile(Path kubeApiTestDir) {
    return Path.of(new CertManager(kubeApiTestDir.toString()).getAPIServerCertPath());
  }

  private static GeneralName dns(String name) {
    return new GeneralName(GeneralName.dNSName, name);
  }
}
