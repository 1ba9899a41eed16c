package io.kubeopencode.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A small reader of the tar files the image builder writes (ustar, with pax and GNU long-name headers), whole
 * entries in memory: image tars and their layers are a few MiB. Gzip-compressed input is recognised by its magic.
 */
final class Tar {
  /** One entry; {@code name} without a leading "./" or trailing "/"; {@code type} is the tar type flag. */
  record Entry(String name, char type, int mode, long uid, long gid, String linkName, byte[] content) {
    boolean isFile() {
      return type == '0' || type == '\0';
    }

    boolean isDirectory() {
      return type == '5';
    }

    boolean isSymlink() {
      return type == '2';
    }

    boolean isHardLink() {
      return type == '1';
    }

    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private Tar() {}

  static Map<String, Entry> read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  /** Entries by name, in the order of the archive; a later entry of the same name replaces an earlier one. */
  static Map<String, Entry> read(byte[] data) throws IOException {
    if (data.length > 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
        data = in.readAllBytes();
      }
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> pax = Map.of();
    String longName = null;
    String longLink = null;
    int at = 0;
    while (at + 512 <= data.length) {
      byte[] header = java.util.Arrays.copyOfRange(data, at, at + 512);
      if (isZero(header)) {
        break;
      }
      char type = (char) header[156];
      long size = number(header, 124, 12);
      byte[] content = java.util.Arrays.copyOfRange(data, at + 512, Math.toIntExact(at + 512 + size));
      at += 512 + (int) ((size + 511) / 512 * 512);
      switch (type) {
        case 'x' -> {
          pax = pax(content);
          continue;
        }
        case 'g' -> {
          continue;
        }
        case 'L' -> {
          longName = cString(content, 0, content.length);
          continue;
        }
        case 'K' -> {
          longLink = cString(content, 0, content.length);
          continue;
        }
        default -> { }
      }
      String name = cString(header, 0, 100);
      String prefix = cString(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      name = pax.getOrDefault("path", longName != null ? longName : name);
      String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(header, 157, 100));
      long uid = pax.containsKey("uid") ? Long.parseLong(pax.get("uid")) : number(header, 108, 8);
      long gid = pax.containsKey("gid") ? Long.parseLong(pax.get("gid")) : number(header, 116, 8);
      Entry entry = new Entry(clean(name), type, (int) number(header, 100, 8), uid, gid, link, content);
      entries.put(entry.name(), entry);
      pax = Map.of();
      longName = null;
      longLink = null;
    }
    return entries;
  }

  /** Writes regular files, directories and symbolic links under {@code root}, with their permission bits. */
  static void extract(Map<String, Entry> entries, Path root) throws IOException {
    for (Entry entry : entries.values()) {
      if (entry.name().isEmpty()) {
        continue;
      }
      Path target = root.resolve(entry.name()).normalize();
      if (!target.startsWith(root)) {
        throw new IOException("entry outside the root: " + entry.name());
      }
      Files.createDirectories(target.getParent());
      if (entry.isDirectory()) {
        Files.createDirectories(target);
      } else if (entry.isSymlink()) {
        Files.createSymbolicLink(target, Path.of(entry.linkName()));
        continue;
      } else if (entry.isHardLink()) {
        Files.createLink(target, root.resolve(clean(entry.linkName())));
        continue;
      } else if (entry.isFile()) {
        Files.write(target, entry.content());
      } else {
        throw new IOException("unexpected entry type '" + entry.type() + "': " + entry.name());
      }
      Files.setPosixFilePermissions(target, permissions(entry.mode()));
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, 0400 down to 0001
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  private static String clean(String name) {
    String cleaned = name;
    while (cleaned.startsWith("./")) {
      cleaned = cleaned.substring(2);
    }
    while (cleaned.startsWith("/")) {
      cleaned = cleaned.substring(1);
    }
    if (cleaned.equals(".")) {
      cleaned = "";
    }
    return cleaned.endsWith("/") ? cleaned.substring(0, cleaned.length() - 1) : cleaned;
  }

  private static Map<String, String> pax(byte[] content) {
    Map<String, String> records = new LinkedHashMap<>();
    int at = 0;
    while (at < content.length) {
      int space = indexOf(content, (byte) ' ', at);
      int length = Integer.parseInt(new String(content, at, space - at, StandardCharsets.US_ASCII));
      String record = new String(content, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      records.put(record.substring(0, equals), record.substring(equals + 1));
      at += length;
    }
    return records;
  }

  private static int indexOf(byte[] data, byte value, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == value) {
        return i;
      }
    }
    throw new IllegalArgumentException("malformed pax record");
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] data, int offset, int length) {
    int end = offset;
    while (end < offset + length && data[end] != 0) {
      end++;
    }
    return new String(data, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** An octal field (NUL or space terminated), or GNU base-256 when the high bit is set. */
  private static long number(byte[] data, int offset, int length) {
    if ((data[offset] & 0x80) != 0) {
      long value = data[offset] & 0x7f;
      for (int i = 1; i < length; i++) {
        value = (value << 8) | (data[offset + i] & 0xff);
      }
      return value;
    }
    String text = cString(data, offset, length).strip();
    return text.isEmpty() ? 0 : Long.parseLong(text, 8);
  }
}
