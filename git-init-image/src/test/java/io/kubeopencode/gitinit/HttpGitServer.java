package io.kubeopencode.gitinit;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * JGit's smart-HTTP server (GitServlet in Jetty, from org.eclipse.jgit.junit.http) with basic authentication
 * ({@link AppServer#username} / {@link AppServer#password}) over http and https (a self-signed CA certificate).
 */
final class HttpGitServer implements AutoCloseable {
  static final String USER = AppServer.username;
  static final String PASSWORD = AppServer.password;
  private final AppServer server;

  private HttpGitServer(AppServer server) {
    this.server = server;
  }

  static HttpGitServer start(Path repos) throws Exception {
    AppServer server = new AppServer(0, 0);
    GitServlet servlet = new GitServlet();
    servlet.setRepositoryResolver((HttpServletRequest req, String name) -> open(repos, name));
    ServletContextHandler ctx = server.addContext("/git");
    ctx.addServlet(new ServletHolder(servlet), "/*");
    server.authBasic(ctx);
    server.setUp();
    return new HttpGitServer(server);
  }

  private static Repository open(Path repos, String name) throws RepositoryNotFoundException {
    Path dir = repos.resolve(name).normalize();
    if (!dir.startsWith(repos) || !Files.isDirectory(dir)) {
      throw new RepositoryNotFoundException(name);
    }
    try {
      return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    } catch (IOException e) {
      throw new RepositoryNotFoundException(name, e);
    }
  }

  int port() {
    return server.getPort();
  }

  int securePort() {
    return server.getSecurePort();
  }

  String url(String repo) {
    return "http://127.0.0.1:" + server.getPort() + "/git/" + repo;
  }

  String httpsUrl(String repo) {
    return "https://127.0.0.1:" + server.getSecurePort() + "/git/" + repo;
  }

  /** The server's self-signed certificate (a CA: bc=ca:true), as PEM, fetched from the https port. */
  String certificatePem() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.getSecurePort()), 5000);
      socket.startHandshake();
      Certificate cert = socket.getSession().getPeerCertificates()[0];
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      server.tearDown();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot stop the test HTTP server", e);
    }
  }
}
