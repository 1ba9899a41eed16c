package io.kubeopencode.gitinit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Last line of defence for text that came from elsewhere (exception messages): removes the password, every line of the
 * SSH key and the user-info part of any URL before the text is logged or written to the termination log.
 */
public final class Redactor {
  static final String MASK = "***";
  /** The shortest secret worth masking: masking a 1-3 character string would garble every message. */
  private static final int MIN_SECRET = 4;
  /** http(s) user info is a credential as a whole (a token is often given as the user name). */
  private static final Pattern HTTP_USERINFO = Pattern.compile("(?i)(https?://)[^/@\\s]+@");
  /** Elsewhere (ssh://git@host) the user is no secret, a password after it is. */
  private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/@\\s:]*):[^/@\\s]+@");
  private final List<String> secrets;

  public Redactor(List<String> secretValues) {
    List<String> list = new ArrayList<>();
    for (String value : secretValues) {
      if (value == null) {
        continue;
      }
      list.add(value);
      // A PEM key: each base64 line on its own too, as messages may quote one.
      for (String line : value.split("\\R")) {
        if (!line.isBlank() && !line.startsWith("-----")) {
          list.add(line.strip());
        }
      }
    }
    list.removeIf(s -> s.length() < MIN_SECRET);
    list.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(list);
  }

  public static Redactor none() {
    return new Redactor(List.of());
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = HTTP_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
    out = URL_PASSWORD.matcher(out).replaceAll("$1:" + MASK + "@");
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    return out;
  }
}
