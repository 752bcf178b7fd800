package dev.parley.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies of streamed routes go to their sinks chunk by chunk, in order, with the
 * connection reading no more while a chunk is taken; refused or failed bodies are dropped to
 * their end and the connection goes on with its next request.
 */
class BodyStreamerTest {
  private final HttpRouter router = new HttpRouter();
  /** What the sink saw: "write:<text>", "end", "abort". */
  private final List<String> seen = new ArrayList<>();
  /** The stages of the writes, completed by the test. */
  private final List<CompletableFuture<Void>> writes = new ArrayList<>();
  private final EmbeddedChannel ch;

  BodyStreamerTest() {
    router.get("/plain", ex -> ex.respondText(HttpResponseStatus.OK, "text/plain", "plain"));
    router.streamed(HttpMethod.PATCH, "/up/{id}", ex -> {
      if (ex.pathParam("id").equals("refused")) {
        throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE", "too large");
      }
      return new BodyHandler.Sink() {
        @Override
        public CompletionStage<?> write(ByteBuf bytes) {
          seen.add("write:" + bytes.toString(StandardCharsets.US_ASCII));
          CompletableFuture<Void> f = new CompletableFuture<>();
          writes.add(f);
          return f;
        }

        @Override
        public void end() {
          seen.add("end");
          ex.respondText(HttpResponseStatus.NO_CONTENT, "text/plain", "");
        }

        @Override
        public void abort(Throwable cause) {
          seen.add("abort");
        }
      };
    });
    ch = new EmbeddedChannel();
    new HttpPipeline(router, 64, Duration.ofSeconds(60)).accept(ch);
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private void send(String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private String answers() {
    StringBuilder out = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out.toString();
  }

  private void complete(int write) {
    writes.get(write).complete(null);
    ch.runPendingTasks();
  }

  private static final String PATCH = "PATCH /up/1 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";

  @Test
  void chunksGoInOrder_oneAtATime_withReadsStoppedMeanwhile_andTheNextRequestFollows() {
    send(PATCH + "3\r\nabc\r\n3\r\ndef\r\n");
    assertThat(seen).containsExactly("write:abc");
    assertThat(ch.config().isAutoRead()).isFalse();
    send("2\r\ngh\r\n0\r\n\r\nGET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
    complete(0);
    assertThat(seen).containsExactly("write:abc", "write:def");
    complete(1);
    assertThat(answers()).isEmpty();
    complete(2);
    assertThat(seen).containsExactly("write:abc", "write:def", "write:gh", "end");
    assertThat(ch.config().isAutoRead()).isTrue();
    String out = answers();
    assertThat(out).startsWith("HTTP/1.1 204 No Content").contains("HTTP/1.1 200 OK").endsWith("plain");
  }

  @Test
  void aBodyLargerThanTheAggregatorsLimitStreams() {
    String big = "x".repeat(200); // the pipeline gathers at most 64 bytes
    send("PATCH /up/1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200\r\n\r\n" + big);
    assertThat(seen).hasSize(1);
    complete(0);
    assertThat(seen).containsExactly("write:" + big, "end");
    assertThat(answers()).startsWith("HTTP/1.1 204");
  }

  @Test
  void aRefusedBodyIsDropped_andTheConnectionGoesOn() {
    send("PATCH /up/refused HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
        + "GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(seen).isEmpty();
    String out = answers();
    assertThat(out).startsWith("HTTP/1.1 413").contains("TOO_LARGE").contains("HTTP/1.1 200 OK");
  }

  @Test
  void aFailedWriteAnswers500_dropsTheRest_andTheConnectionGoesOn() {
    send(PATCH + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\nGET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
    writes.get(0).completeExceptionally(new IllegalStateException("disk full"));
    ch.runPendingTasks();
    assertThat(seen).containsExactly("write:abc");
    String out = answers();
    assertThat(out).startsWith("HTTP/1.1 500").contains("HTTP/1.1 200 OK");
  }

  @Test
  void aConnectionClosedMidBodyAbortsTheSink() {
    send(PATCH + "3\r\nabc\r\n");
    ch.close();
    assertThat(seen).containsExactly("write:abc", "abort");
    complete(0);
    assertThat(seen).containsExactly("write:abc", "abort");
  }

  @Test
  void aPageOfAnotherOriginMayNotUpload() {
    send("PATCH /up/1 HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.example\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(seen).isEmpty();
    assertThat(answers()).startsWith("HTTP/1.1 403").contains("ORIGIN_NOT_ALLOWED");
  }

  @Test
  void aClientThatExpects100ContinueIsToldToGoOn() {
    send("PATCH /up/1 HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    assertThat(answers()).startsWith("HTTP/1.1 100 Continue");
    send("abc");
    complete(0);
    assertThat(seen).containsExactly("write:abc", "end");
  }
}
