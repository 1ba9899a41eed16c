package io.kubeopencode.gitinit;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * ssh:// through JGit's Apache MINA sshd client, configured only from the environment: the key and known hosts are
 * held in memory (never written anywhere), no ~/.ssh/config, no agent, strict host key checking.
 */
public final class SshSetup implements AutoCloseable {
  private final SshdSessionFactory factory;
  private final Path emptyHome;

  private SshSetup(SshdSessionFactory factory, Path emptyHome) {
    this.factory = factory;
    this.emptyHome = emptyHome;
  }

  /** Installs the factory for every ssh connection of this process, submodules included. */
  public static SshSetup install(Settings.Credentials credentials, TransportEvents events) {
    List<KeyPair> keys = credentials.sshKey() == null ? List.of() : loadKeys(credentials.sshKey());
    KnownHostsDatabase hosts = credentials.knownHosts() == null ? KnownHostsDatabase.empty(events)
        : KnownHostsDatabase.parse(Secrets.read(credentials.knownHosts(), EnvNames.GIT_SSH_KNOWN_HOSTS), events);
    Path home;
    try {
      // JGit wants a home and ~/.ssh; an empty private one keeps the user's files (and their keys) out of it.
      home = Files.createTempDirectory("git-init-ssh");
    } catch (IOException e) {
      throw new GitInitException(Failure.WORKSPACE, "cannot create a temporary directory: " + e.getMessage());
    }
    File homeDir = home.toFile();
    SshdSessionFactory factory = new SshdSessionFactoryBuilder()
        .setHomeDirectory(homeDir)
        .setSshDirectory(new File(homeDir, ".ssh"))
        .setConfigStoreFactory((h, f, u) -> null)
        .setDefaultKeysProvider(dir -> keys)
        .setServerKeyDatabase((h, s) -> hosts)
        .setPreferredAuthentications("publickey,keyboard-interactive,password")
        .build(null);
    SshSessionFactory.setInstance(factory);
    return new SshSetup(factory, home);
  }

  static List<KeyPair> loadKeys(SecretSource source) {
    String content = Secrets.read(source, EnvNames.GIT_SSH_KEY);
    try {
      List<KeyPair> keys = new ArrayList<>();
      Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(EnvNames.GIT_SSH_KEY),
          new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), FilePasswordProvider.EMPTY);
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
      if (!keys.isEmpty()) {
        return keys;
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // reported below, without the exception's text: it may quote the key
    }
    throw new GitInitException(Failure.CONFIG, EnvNames.GIT_SSH_KEY
        + " is not an unencrypted private key (OpenSSH or PEM format; passphrases are not supported)");
  }

  @Override
  public void close() {
    factory.close();
    SshSessionFactory.setInstance(null);
    try {
      Files.deleteIfExists(emptyHome.resolve(".ssh"));
      Files.deleteIfExists(emptyHome);
    } catch (IOException e) {
      // a leftover empty directory in /tmp is harmless
    }
  }
}
