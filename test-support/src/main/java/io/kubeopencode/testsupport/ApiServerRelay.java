package io.kubeopencode.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pods reach the API server at {@code <bridge address>:<its port>} (its advertised address: where the
 * {@code kubernetes} Service leads) and this relays each connection, bytes as they are, to the API server on
 * 127.0.0.1, where kube-api-test makes it listen (its readiness check and the kubeconfig use 127.0.0.1). TLS runs
 * end to end; the serving certificate covers the bridge and Service addresses ({@link ApiServerCertificates}).
 */
final class ApiServerRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private ApiServerRelay(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Listens on {@code address:port} and relays to {@code 127.0.0.1:port}. */
  static ApiServerRelay start(String address, int port) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      ApiServerRelay relay = new ApiServerRelay(server, port);
      Thread.ofVirtual().name("api-server-relay").start(relay::acceptLoop);
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        continue; // the loop ends once the server socket is closed
      }
      open.add(client);
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(upstream);
        AtomicInteger directionsDone = new AtomicInteger();
        Thread.ofVirtual().start(() -> pump(client, upstream, directionsDone));
        Thread.ofVirtual().start(() -> pump(upstream, client, directionsDone));
      } catch (IOException refused) {
        closeQuietly(client); // the API server is stopping: the client sees its connection end
      }
    }
  }

  /**
   * Copies one direction until it ends and half-closes the other side (as TCP does end to end); once both
   * directions ended, or either failed, both sockets are closed. (Closing a socket's stream would close the socket.)
   */
  private void pump(Socket from, Socket to, AtomicInteger directionsDone) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
      to.shutdownOutput();
      if (directionsDone.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // reset or closed: end both
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.forEach(this::closeQuietly);
  }
}
