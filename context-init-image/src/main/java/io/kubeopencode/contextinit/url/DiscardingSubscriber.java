package io.kubeopencode.contextinit.url;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * For redirects and errors: the body is not wanted, so it is not read (an error page may be large or slow); the
 * exchange is cancelled at once and only the status and headers count.
 */
final class DiscardingSubscriber implements BodySubscriber<Long> {
  private final CompletableFuture<Long> body = new CompletableFuture<>();

  @Override
  public CompletionStage<Long> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.cancel();
    body.complete(-1L);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    // Cancelled: nothing is requested.
  }

  @Override
  public void onError(Throwable throwable) {
    body.complete(-1L);
  }

  @Override
  public void onComplete() {
    body.complete(-1L);
  }
}
