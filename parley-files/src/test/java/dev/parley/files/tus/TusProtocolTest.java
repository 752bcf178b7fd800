package dev.parley.files.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.files.FilesModule;
import dev.parley.files.TusClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tus 1.0 endpoints as a client sees them, on a real server. */
class TusProtocolTest {
  private final ManualTime time = new ManualTime();
  private TestKernel server = TestKernel.builder(() -> List.of(new FilesModule())).time(time)
      .set("files.max-size", "1MiB").set("files.quota-per-user", "2560KiB").set("files.max-uploads-per-user", 3)
      .set("files.allowed-types", "image/*,application/octet-stream,text/plain").start();
  private TusClient alice = new TusClient(server.httpBase(), server.token("alice"));

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  private String created(long length, String metadata) {
    HttpResponse<byte[]> r = alice.create(length, metadata);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    assertThat(header(r, "Tus-Resumable")).isEqualTo("1.0.0");
    return header(r, "Location");
  }

  private long contentFiles() throws IOException {
    Path content = server.dataDir().resolve("files/content");
    try (Stream<Path> s = Files.walk(content)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void optionsAnnounceTheVersionExtensionsAndLimits() {
    HttpResponse<byte[]> r = new TusClient(server.httpBase(), null).send("OPTIONS", TusClient.UPLOADS, null);
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(header(r, "Tus-Version")).isEqualTo("1.0.0");
    assertThat(header(r, "Tus-Extension")).isEqualTo("creation,creation-with-upload,expiration,checksum,termination");
    assertThat(header(r, "Tus-Max-Size")).isEqualTo("1048576");
    assertThat(header(r, "Tus-Checksum-Algorithm")).isEqualTo("sha1,sha256,md5");
  }

  @Test
  void anUploadInTwoPatchesCompletes_andDownloadsIdentical() throws Exception {
    byte[] data = bytes(300_000, 1);
    String at = created(data.length, TusClient.metadata("filename", "photo.png", "filetype", "image/png"));
    assertThat(at).startsWith(TusClient.UPLOADS + "/");

    HttpResponse<byte[]> first = alice.patch(at, 0, Arrays.copyOf(data, 100_000));
    assertThat(first.statusCode()).isEqualTo(204);
    assertThat(header(first, "Upload-Offset")).isEqualTo("100000");
    assertThat(header(first, "Upload-Expires")).endsWith("GMT");
    HttpResponse<byte[]> head = alice.head(at);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(header(head, "Upload-Offset")).isEqualTo("100000");
    assertThat(header(head, "Upload-Length")).isEqualTo("300000");
    assertThat(header(head, "Cache-Control")).isEqualTo("no-store");
    assertThat(header(head, "Upload-Metadata")).contains("filename ");

    HttpResponse<byte[]> last = alice.patch(at, 100_000, Arrays.copyOfRange(data, 100_000, data.length));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(header(last, "Upload-Offset")).isEqualTo("300000");
    String fileId = header(last, "Parley-File-Id");
    assertThat(fileId).isNotNull();
    assertThat(header(alice.head(at), "Parley-File-Id")).isEqualTo(fileId);

    HttpResponse<byte[]> got = alice.get("/api/v1/files/" + fileId);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(data);
    assertThat(header(got, "Content-Type")).isEqualTo("image/png");
    assertThat(header(got, "ETag")).isEqualTo("\"" + sha256(data) + "\"");
    assertThat(header(got, "Content-Disposition")).isEqualTo("inline; filename*=UTF-8''photo.png");
    assertThat(contentFiles()).isEqualTo(1);
  }

  @Test
  void creationWithUploadStoresTheBodyOfThePost() {
    byte[] data = bytes(5_000, 2);
    HttpResponse<byte[]> r = alice.send("POST", TusClient.UPLOADS, data, "Upload-Length", "5000",
        "Content-Type", "application/offset+octet-stream");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(header(r, "Upload-Offset")).isEqualTo("5000");
    String fileId = header(r, "Parley-File-Id");
    assertThat(alice.get("/api/v1/files/" + fileId).body()).isEqualTo(data);
  }

  @Test
  void wrongOffsetsTypesVersionsAndTokensAreRefused() {
    String at = created(100, "");
    assertThat(alice.patch(at, 10, new byte[5]).statusCode()).isEqualTo(409);
    assertThat(alice.send("PATCH", at, new byte[5], "Upload-Offset", "0", "Content-Type", "text/plain").statusCode())
        .isEqualTo(415);
    HttpResponse<byte[]> version = alice.patch(at, 0, new byte[5], "Tus-Resumable", "0.2.2");
    assertThat(version.statusCode()).isEqualTo(412);
    assertThat(new TusClient(server.httpBase(), "not-a-token").patch(at, 0, new byte[5]).statusCode()).isEqualTo(401);
    assertThat(new TusClient(server.httpBase(), server.token("bob")).head(at).statusCode()).isEqualTo(404);
    assertThat(new TusClient(server.httpBase(), server.token("bob")).patch(at, 0, new byte[5]).statusCode())
        .isEqualTo(404);
    assertThat(alice.patch(at, 0, new byte[101]).statusCode()).isEqualTo(413);
    assertThat(alice.create(10, "a b c").statusCode()).isEqualTo(400);
    assertThat(alice.send("POST", TusClient.UPLOADS, null, "Upload-Defer-Length", "1").statusCode()).isEqualTo(400);
    // None of it stored a byte.
    assertThat(header(alice.head(at), "Upload-Offset")).isEqualTo("0");
  }

  @Test
  void aChunkWhoseChecksumDoesNotMatchIsNotStored() throws Exception {
    byte[] data = bytes(2_000, 3);
    String at = created(data.length, "");
    byte[] half = Arrays.copyOf(data, 1_000);
    String sha1 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(half));
    HttpResponse<byte[]> good = alice.patch(at, 0, half, "Upload-Checksum", "sha1 " + sha1);
    assertThat(good.statusCode()).isEqualTo(204);
    HttpResponse<byte[]> bad = alice.patch(at, 1_000, Arrays.copyOfRange(data, 1_000, 2_000),
        "Upload-Checksum", "sha1 " + sha1);
    assertThat(bad.statusCode()).isEqualTo(460);
    assertThat(header(alice.head(at), "Upload-Offset")).isEqualTo("1000");
    assertThat(alice.patch(at, 1_000, new byte[10], "Upload-Checksum", "crc32 AAAA").statusCode()).isEqualTo(400);
    // The refused chunk did not spoil the running digest: the file completes with the right hash.
    HttpResponse<byte[]> done = alice.patch(at, 1_000, Arrays.copyOfRange(data, 1_000, 2_000));
    assertThat(header(alice.get("/api/v1/files/" + header(done, "Parley-File-Id")), "ETag"))
        .isEqualTo("\"" + sha256(data) + "\"");
  }

  @Test
  void knownContentUploadsInstantly_isStoredOnce_andIsFreedWithItsLastRecord() throws Exception {
    byte[] data = bytes(50_000, 4);
    String at = created(data.length, TusClient.metadata("filename", "a.bin"));
    String first = header(alice.patch(at, 0, data), "Parley-File-Id");

    TusClient bob = new TusClient(server.httpBase(), server.token("bob"));
    HttpResponse<byte[]> instant = bob.create(data.length, TusClient.metadata("filename", "b.bin", "sha256",
        sha256(data)));
    assertThat(instant.statusCode()).isEqualTo(201);
    assertThat(header(instant, "Upload-Offset")).isEqualTo("50000");
    String second = header(instant, "Parley-File-Id");
    assertThat(second).isNotNull().isNotEqualTo(first);
    assertThat(bob.get("/api/v1/files/" + second).body()).isEqualTo(data);
    assertThat(contentFiles()).isEqualTo(1);
    // A hash the server does not hold, or of another length, is uploaded as usual.
    HttpResponse<byte[]> unknown = bob.create(data.length - 1, TusClient.metadata("sha256", sha256(data)));
    assertThat(header(unknown, "Parley-File-Id")).isNull();
    assertThat(header(unknown, "Upload-Offset")).isEqualTo("0");
    assertThat(header(bob.head(header(unknown, "Location")), "Upload-Offset")).isEqualTo("0");

    assertThat(alice.send("DELETE", "/api/v1/files/" + first, null).statusCode()).isEqualTo(204);
    assertThat(alice.get("/api/v1/files/" + first).statusCode()).isEqualTo(404);
    assertThat(contentFiles()).isEqualTo(1);
    assertThat(bob.send("DELETE", "/api/v1/files/" + second, null).statusCode()).isEqualTo(204);
    assertThat(contentFiles()).isZero();
  }

  private static String code(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void sizeQuotaTypeAndUnfinishedUploadLimitsAreRefused() {
    HttpResponse<byte[]> big = alice.create((1 << 20) + 1, "");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(code(big)).contains("TOO_LARGE");
    HttpResponse<byte[]> html = alice.create(10, TusClient.metadata("filetype", "text/html"));
    assertThat(html.statusCode()).isEqualTo(415);
    assertThat(code(html)).contains("text/html");
    created(10, TusClient.metadata("filetype", "image/webp"));
    created(0, ""); // an empty file completes at once: it is not unfinished
    created(1 << 20, "");
    created(1 << 20, "");
    HttpResponse<byte[]> fourth = alice.create(10, "");
    assertThat(fourth.statusCode()).isEqualTo(429);
    assertThat(code(fourth)).contains("unfinished");

    // Quota 2.5 MiB: two unfinished MiB fit, a third does not until one goes.
    TusClient bob = new TusClient(server.httpBase(), server.token("bob"));
    String b1 = header(bob.create(1 << 20, ""), "Location");
    assertThat(bob.create(1 << 20, "").statusCode()).isEqualTo(201);
    HttpResponse<byte[]> over = bob.create(1 << 20, "");
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(code(over)).contains("QUOTA");
    assertThat(bob.send("DELETE", b1, null).statusCode()).isEqualTo(204);
    assertThat(bob.head(b1).statusCode()).isEqualTo(404);
    assertThat(bob.create(1 << 20, "").statusCode()).isEqualTo(201);
  }

  @Test
  void anUnfinishedUploadExpires_andTheSweepRemovesItWithItsBytes() throws Exception {
    String at = created(1_000, "");
    alice.patch(at, 0, new byte[400]);
    String done = created(0, "");
    time.advance(Duration.ofHours(23).plusMinutes(59));
    // Tokens last an hour: a fresh one for each step.
    assertThat(header(new TusClient(server.httpBase(), server.token("alice")).head(at), "Upload-Offset")).isEqualTo("400");
    time.advance(Duration.ofMinutes(1)); // its expiry, and the minute's sweep
    TusClient again = new TusClient(server.httpBase(), server.token("alice"));
    await().atMost(Duration.ofSeconds(10)).until(() -> again.head(at).statusCode() == 404);
    try (Stream<Path> s = Files.list(server.dataDir().resolve("files/uploads"))) {
      assertThat(s.count()).isZero();
    }
    assertThat(again.head(done).statusCode()).isEqualTo(200); // complete uploads do not expire
    TusRoutes tus = server.kernel().context().services().first(TusRoutes.class).orElseThrow();
    assertThat(tus.sweep()).isZero();
  }

  @Test
  void whatWasAcknowledgedSurvivesARestart_andTheUploadResumesFromThere() {
    byte[] data = bytes(200_000, 5);
    String at = created(data.length, "");
    assertThat(alice.patch(at, 0, Arrays.copyOf(data, 120_000)).statusCode()).isEqualTo(204);
    server = server.restart();
    alice = new TusClient(server.httpBase(), server.token("alice"));
    assertThat(header(alice.head(at), "Upload-Offset")).isEqualTo("120000");
    HttpResponse<byte[]> done = alice.patch(at, 120_000, Arrays.copyOfRange(data, 120_000, data.length));
    assertThat(alice.get("/api/v1/files/" + header(done, "Parley-File-Id")).body()).isEqualTo(data);
  }

  @Test
  void rangesAndConditionalDownloads() {
    byte[] data = bytes(1_000, 6);
    String at = created(data.length, TusClient.metadata("filename", "notes report.txt", "filetype", "text/plain"));
    String path = "/api/v1/files/" + header(alice.patch(at, 0, data), "Parley-File-Id");
    HttpResponse<byte[]> part = alice.get(path, "Range", "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
    assertThat(header(part, "Content-Range")).isEqualTo("bytes 10-19/1000");
    assertThat(alice.get(path, "Range", "bytes=-5").body()).isEqualTo(Arrays.copyOfRange(data, 995, 1000));
    assertThat(alice.get(path, "Range", "bytes=990-").body()).isEqualTo(Arrays.copyOfRange(data, 990, 1000));
    HttpResponse<byte[]> past = alice.get(path, "Range", "bytes=1000-");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(header(past, "Content-Range")).isEqualTo("bytes */1000");
    String etag = header(part, "ETag");
    assertThat(alice.get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(alice.get(path, "Range", "bytes=0-1", "If-Range", "\"other\"").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> whole = alice.get(path);
    assertThat(header(whole, "Content-Disposition")).isEqualTo("attachment; filename*=UTF-8''notes%20report.txt");
    assertThat(header(whole, "X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(new TusClient(server.httpBase(), server.token("bob")).get(path).statusCode()).isEqualTo(404);
  }
}
