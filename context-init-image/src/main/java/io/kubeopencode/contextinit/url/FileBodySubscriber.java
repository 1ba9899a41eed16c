package io.kubeopencode.contextinit.url;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Streams a response body into a file and stops at {@code maxBytes}: the byte that would exceed the limit is never
 * written, and the exchange is cancelled. Synchronised, so {@link #abort} (on timeout, from the waiting thread)
 * cannot interleave with a write.
 */
final class FileBodySubscriber implements BodySubscriber<Long> {

  /** The body is larger than allowed; {@code declared} when the Content-Length said so up front. */
  static final class BodyTooLarge extends IOException {
    final boolean declared;
    final long bytes;

    BodyTooLarge(boolean declared, long bytes) {
      super("body too large");
      this.declared = declared;
      this.bytes = bytes;
    }
  }

  /** Writing the file failed: a local problem, not the server's. */
  static final class WriteFailed extends IOException {
    WriteFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final Path file;
  private final long maxBytes;
  private final long declaredLength;
  private final CompletableFuture<Long> body = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private FileChannel channel;
  private long written;
  private boolean done;

  /** @param declaredLength the Content-Length, or -1 */
  FileBodySubscriber(Path file, long maxBytes, long declaredLength) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.declaredLength = declaredLength;
  }

  @Override
  public CompletionStage<Long> getBody() {
    return body;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (done) {
      s.cancel();
      return;
    }
    if (declaredLength > maxBytes) {
      fail(new BodyTooLarge(true, declaredLength));
      return;
    }
    try {
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      fail(new WriteFailed(e));
      return;
    }
    s.request(1);
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> buffers) {
    if (done) {
      return;
    }
    long incoming = 0;
    for (ByteBuffer b : buffers) {
      incoming += b.remaining();
    }
    if (written + incoming > maxBytes) {
      fail(new BodyTooLarge(false, written + incoming));
      return;
    }
    try {
      for (ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          written += channel.write(b);
        }
      }
    } catch (IOException e) {
      fail(new WriteFailed(e));
      return;
    }
    subscription.request(1);
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (!done) {
      done = true;
      close();
      body.completeExceptionally(error);
    }
  }

  @Override
  public synchronized void onComplete() {
    if (done) {
      return;
    }
    done = true;
    try {
      channel.force(false);
      channel.close();
      body.complete(written);
    } catch (IOException e) {
      body.completeExceptionally(new WriteFailed(e));
    }
  }

  /** Stops writing (the caller gave up waiting); the file is the caller's to delete. */
  synchronized void abort() {
    if (!done) {
      fail(new CancellationException("aborted"));
    }
  }

  private void fail(Throwable error) {
    done = true;
    if (subscription != null) {
      subscription.cancel();
    }
    close();
    body.completeExceptionally(error);
  }

  private void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Failing already; the file is deleted by the caller.
      }
    }
  }
}
