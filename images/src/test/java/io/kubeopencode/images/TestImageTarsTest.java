package io.kubeopencode.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeopencode.images.Tar.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two test image tars as built: readable as OCI layouts and docker-archives, configured and filled as meant. */
class TestImageTarsTest {
  private static ImageTar pause;
  private static ImageTar agent;

  @BeforeAll
  static void read() throws IOException {
    pause = ImageTar.read(TestImages.tar(TestImages.PAUSE_TAR));
    agent = ImageTar.read(TestImages.tar(TestImages.AGENT_TAR));
  }

  @ParameterizedTest
  @CsvSource({"kubeopencode-pause.tar, kubeopencode/pause", "kubeopencode-test-agent.tar, kubeopencode/test-agent"})
  void isAnOciLayoutAndADockerArchiveWhoseBlobsMatchTheirDigests(String tarName, String repository)
      throws Exception {
    ImageTar image = ImageTar.read(TestImages.tar(tarName));
    assertThat(image.entries()).containsKeys("oci-layout", "index.json", "manifest.json");
    assertThat(image.json("oci-layout").path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
    assertThat(image.index().path("schemaVersion").asInt()).isEqualTo(2);
    assertThat(image.index().path("manifests")).hasSize(1);

    for (Entry entry : image.entries().values()) {
      if (entry.isFile() && entry.name().startsWith("blobs/sha256/")) {
        assertThat(sha256(entry.content())).as(entry.name()).isEqualTo(entry.name().substring("blobs/sha256/".length()));
      }
    }
    String digest = image.index().path("manifests").path(0).path("digest").asText();
    String printed = Files.readString(TestImages.dir().resolve(tarName.replace(".tar", ".digest"))).strip();
    assertThat(printed).as("the digest oci-archive.sh printed").isEqualTo(digest);

    JsonNode docker = image.json("manifest.json");
    assertThat(docker).hasSize(1);
    List<String> tags = new ArrayList<>();
    docker.path(0).path("RepoTags").forEach(tag -> tags.add(tag.asText()));
    assertThat(tags).singleElement().asString().endsWith(repository + ":" + TestImages.version());
    Entry dockerConfig = image.entries().get(docker.path(0).path("Config").asText());
    assertThat(dockerConfig).as("the docker-archive's config").isNotNull();
    assertThat(dockerConfig.content())
        .isEqualTo(ImageTar.blob(image.entries(), image.manifest().path("config").path("digest").asText()).content());
    assertThat(docker.path(0).path("Layers")).hasSameSizeAs(image.manifest().path("layers"));
    docker.path(0).path("Layers").forEach(layer -> assertThat(image.entries()).containsKey(layer.asText()));

    assertThat(image.config().path("os").asText()).isEqualTo("linux");
    assertThat(image.config().path("architecture").asText()).isEqualTo("amd64");
    assertThat(image.config().path("rootfs").path("diff_ids")).hasSameSizeAs(image.manifest().path("layers"));
    assertThat(image.config().path("config").path("Labels").path("org.opencontainers.image.version").asText())
        .isEqualTo(TestImages.version());
    assertThat(image.files().values()).as("owned by root").allSatisfy(e -> {
      assertThat(e.uid()).as(e.name()).isZero();
      assertThat(e.gid()).as(e.name()).isZero();
    });
  }

  @Test
  void pauseIsTheStaticProgramAloneRunAsUser65535() throws IOException {
    JsonNode config = pause.config().path("config");
    assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/pause\"]");
    assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).isTrue();
    assertThat(config.path("User").asText()).isEqualTo("65535:65535");

    assertThat(pause.files()).containsOnlyKeys("pause");
    Entry binary = pause.files().get("pause");
    assertThat(binary.isFile()).isTrue();
    assertThat(binary.mode() & 07777).isEqualTo(0755);
    assertThat(binary.content()).isEqualTo(Files.readAllBytes(TestImages.pause()));
    assertStaticElf(binary);
  }

  @Test
  void agentImageIsUpstreamsAgentImageLayoutWithTheTestAgentAsOpencode() throws IOException {
    JsonNode config = agent.config().path("config");
    assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/entrypoint.sh\"]");
    assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).isTrue();
    assertThat(config.path("User").asText()).isEqualTo("0:0");
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(e -> env.add(e.asText()));
    assertThat(env).containsExactlyInAnyOrder("PATH=/usr/local/bin:/usr/bin:/bin", "TOOLS_DIR=/tools",
        "OPENCODE_BIN=opencode");
    assertThat(config.path("Labels").path("io.kubeopencode.busybox-static").asText()).isNotBlank();

    Map<String, Entry> files = agent.files();
    Entry opencode = files.get("opencode");
    assertThat(opencode.isFile()).isTrue();
    assertThat(opencode.mode() & 07777).isEqualTo(0755);
    assertThat(opencode.content()).isEqualTo(Files.readAllBytes(TestImages.testAgent()));
    assertStaticElf(opencode);
    assertThat(files.get("opencode-version").text()).isEqualTo("test-agent " + TestImages.version() + "\n");
    Entry entrypoint = files.get("entrypoint.sh");
    assertThat(entrypoint.mode() & 07777).isEqualTo(0755);
    assertThat(entrypoint.content()).isEqualTo(Files.readAllBytes(TestImages.entrypointSource()));
    assertThat(entrypoint.text()).startsWith("#!/bin/sh\n");
    assertThat(files.get("usr/local/bin/test-agent").linkName()).isEqualTo("/opencode");

    assertThat(files.get("tools").isDirectory()).as("/tools: only the mount point of the pod's emptyDir").isTrue();
    assertThat(files.keySet()).noneMatch(name -> name.startsWith("tools/"));
    assertThat(files.get("tmp").mode() & 07777).isEqualTo(01777);
  }

  @Test
  void agentImageHasBusyboxAsShellAndCoreutils() {
    Map<String, Entry> files = agent.files();
    Entry busybox = files.get("bin/busybox");
    assertThat(busybox.isFile()).isTrue();
    assertThat(busybox.mode() & 07777).isEqualTo(0755);
    assertStaticElf(busybox);
    for (String applet : List.of("sh", "cat", "cp", "ls", "sleep", "echo", "env", "mkdir", "chmod", "rm", "mv",
        "grep", "sed", "test", "kill", "ps", "id")) {
      Entry link = files.get("bin/" + applet);
      assertThat(link).as("/bin/" + applet).isNotNull();
      assertThat(link.isSymlink()).as("/bin/" + applet).isTrue();
      assertThat(link.linkName()).as("/bin/" + applet).isEqualTo("busybox");
    }
    assertThat(files.get("usr/bin/env").linkName()).isEqualTo("/bin/busybox");
    assertThat(files.get("etc/passwd").text()).startsWith("root:x:0:0:");
  }

  /** A static ELF executable: no program interpreter (PT_INTERP), so it needs nothing else in the image. */
  private static void assertStaticElf(Entry entry) {
    ByteBuffer elf = ByteBuffer.wrap(entry.content()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(elf.getInt(0)).as(entry.name() + ": ELF magic").isEqualTo(0x464c457f);
    assertThat(elf.get(4)).as(entry.name() + ": 64-bit").isEqualTo((byte) 2);
    long programHeaders = elf.getLong(0x20);
    int size = elf.getShort(0x36) & 0xffff;
    int count = elf.getShort(0x38) & 0xffff;
    for (int i = 0; i < count; i++) {
      assertThat(elf.getInt(Math.toIntExact(programHeaders + (long) i * size))).as(entry.name() + ": PT_INTERP")
          .isNotEqualTo(3);
    }
  }

  static String sha256(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
