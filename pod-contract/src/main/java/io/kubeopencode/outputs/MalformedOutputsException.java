package io.kubeopencode.outputs;

/**
 * A termination message that is not a valid task-outputs message. The message is one line and names what is wrong
 * (e.g. {@code bad base64 in data: ...}), so the controller can put it into a condition as it is.
 */
public final class MalformedOutputsException extends RuntimeException {

  public MalformedOutputsException(String message) {
    super(message);
  }

  public MalformedOutputsException(String message, Throwable cause) {
    super(message, cause);
  }
}
