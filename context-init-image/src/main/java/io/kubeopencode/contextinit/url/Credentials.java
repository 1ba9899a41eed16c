package io.kubeopencode.contextinit.url;

import io.kubeopencode.contextinit.Failure;
import io.kubeopencode.contextinit.Failure.Kind;
import io.kubeopencode.podcontract.PodContract;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Authorization header of a URL context, from its secret-backed env vars {@code <prefix>_TOKEN} (bearer) or
 * {@code <prefix>_USERNAME}/{@code _PASSWORD} (basic); a token wins when both are set. Each var may be absent (the
 * Secret keys are optional). Pure.
 *
 * @param scheme "Bearer" or "Basic", for logs
 * @param headerValue the header value; never logged
 * @param secrets the values to mask in logs
 */
public record Credentials(String scheme, String headerValue, List<String> secrets) {

  @Override
  public String toString() {
    return "Credentials[" + scheme + "]"; // never the values
  }

  public static Optional<Credentials> from(String prefix, Map<String, String> env, String what) {
    if (prefix == null || prefix.isEmpty()) {
      return Optional.empty();
    }
    String token = secret(env, prefix + PodContract.SUFFIX_TOKEN, what);
    if (!token.isEmpty()) {
      return Optional.of(new Credentials("Bearer", "Bearer " + token, List.of(token)));
    }
    String username = secret(env, prefix + PodContract.SUFFIX_USERNAME, what);
    String password = secret(env, prefix + PodContract.SUFFIX_PASSWORD, what);
    if (username.isEmpty() && password.isEmpty()) {
      return Optional.empty();
    }
    if (username.indexOf(':') >= 0) {
      throw new Failure(Kind.INVALID_CONFIG, what + ": the username of " + prefix + PodContract.SUFFIX_USERNAME
          + " contains ':', which basic authentication cannot carry");
    }
    String encoded = Base64.getEncoder().encodeToString((username + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    return Optional.of(new Credentials("Basic", "Basic " + encoded, List.of(password, encoded)));
  }

  /**
   * A Secret value, without the trailing line break that {@code kubectl create secret --from-file} keeps; other
   * control characters are refused (they would break the header).
   */
  private static String secret(Map<String, String> env, String name, String what) {
    String value = env.get(name);
    if (value == null) {
      return "";
    }
    String trimmed = value.replaceAll("[\r\n]+$", "");
    if (!UrlRules.printable(trimmed)) {
      throw new Failure(Kind.INVALID_CONFIG, what + ": " + name + " contains a line break or control character");
    }
    return trimmed;
  }
}
