package io.kubeopencode.e2e;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * JGit's smart-HTTP server in Jetty, listening on the address pods reach (the node's bridge gateway), never on any
 * other: over http and over https with a certificate of its own (self-signed, for that IP address) that a test
 * gives the Agent as its CA bundle. {@code /git/public/<repo>} is open, {@code /git/private/<repo>} wants basic
 * authentication with {@link #USER}/{@link #PASSWORD}; both serve the repositories under one directory.
 */
final class PodReachableGitServer implements AutoCloseable {
  static final String USER = "e2e-user";
  static final String PASSWORD = "e2e-password-7f3a";
  private final Server server;
  private final ServerConnector http;
  private final ServerConnector https;
  private final String address;
  private final String certificatePem;

  private PodReachableGitServer(Server server, ServerConnector http, ServerConnector https, String address,
      String certificatePem) {
    this.server = server;
    this.http = http;
    this.https = https;
    this.address = address;
    this.certificatePem = certificatePem;
  }

  static PodReachableGitServer start(String address, Path repos, Path work) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.forIp(address, work);
    Server server = new Server();
    ServerConnector http = new ServerConnector(server);
    http.setHost(address);
    http.setPort(0);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(cert.keystore().toString());
    ssl.setKeyStorePassword(SelfSignedCertificate.STORE_PASSWORD);
    ssl.setKeyStoreType("PKCS12");
    ServerConnector https = new ServerConnector(server, ssl);
    https.setHost(address);
    https.setPort(0);
    server.addConnector(http);
    server.addConnector(https);

    GitServlet git = new GitServlet();
    git.setRepositoryResolver((HttpServletRequest req, String name) -> open(repos, name));
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(git), "/git/*");
    context.addFilter(new FilterHolder(basicAuth()), "/git/private/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    server.start();
    return new PodReachableGitServer(server, http, https, address, cert.pem());
  }

  private static Filter basicAuth() {
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return (request, response, chain) -> {
      if (expected.equals(((HttpServletRequest) request).getHeader("Authorization"))) {
        chain.doFilter(request, response);
      } else {
        HttpServletResponse denied = (HttpServletResponse) response;
        denied.setHeader("WWW-Authenticate", "Basic realm=\"e2e\"");
        denied.sendError(HttpServletResponse.SC_UNAUTHORIZED);
      }
    };
  }

  /** "public/app" and "private/app" both name the repository {@code repos/app}. */
  private static Repository open(Path repos, String name) throws RepositoryNotFoundException {
    List<String> parts = List.of(name.split("/", 2));
    if (parts.size() != 2 || !List.of("public", "private").contains(parts.get(0))) {
      throw new RepositoryNotFoundException(name);
    }
    Path dir = repos.resolve(parts.get(1)).normalize();
    if (!dir.startsWith(repos) || !Files.isDirectory(dir.resolve(".git"))) {
      throw new RepositoryNotFoundException(name);
    }
    try {
      return new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build();
    } catch (IOException e) {
      throw new RepositoryNotFoundException(name, e);
    }
  }

  String httpUrl(String repo) {
    return "http://" + address + ":" + http.getLocalPort() + "/git/public/" + repo;
  }

  String httpsPrivateUrl(String repo) {
    return "https://" + address + ":" + https.getLocalPort() + "/git/private/" + repo;
  }

  /** The https certificate as PEM: the CA bundle pods must trust. */
  String certificatePem() {
    return certificatePem;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
