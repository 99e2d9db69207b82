package io.segmenta.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import java.nio.BufferOverflowException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads every request body in full, without holding a thread, before the routes see it; then hands the routes one
 * canonical body: inflated, UTF-8, without a byte-order mark.
 *
 * <p>Why here and not in the routes: a route reading its body blocks a server thread for as long as the client takes
 * to send it, so a few hundred clients trickling bodies (slowloris) would hold every thread and the server would stop
 * answering. Jetty's demand-driven reads ({@link Content.Source#read} and {@code demand}) park the request without a thread
 * until bytes arrive; a deadline per body drops clients that take too long (408). Decoding here also means that every
 * reader of the body (the JSON parser, the journal) sees the same bytes.
 *
 * <p>Decoding, in order: {@code Content-Encoding: gzip} (or {@code x-gzip}, several members allowed) is inflated
 * with a cap on the inflated size (413 beyond; a broken stream is a 400); then the character set is found as RFC 8259
 * §8.1 and RFC 4627 §3 describe — a byte-order mark (UTF-8, UTF-16, UTF-32), else a {@code charset} parameter naming
 * UTF-16 or UTF-32, else the pattern of zero bytes in the first four (JSON text starts with an ASCII character), else
 * UTF-8 — and the body is decoded strictly and, when it was not UTF-8 already, encoded again as UTF-8 (a body that is
 * not valid in its character set is a 400 naming the byte). Other charset parameters are ignored: JSON between
 * systems is UTF-8, and a mislabelled UTF-8 body is still read right.
 */
final class BufferedBodies extends Handler.Wrapper {
  /** The request attribute holding the decoded body ({@code byte[]}). */
  static final String BODY = "segmenta.body";

  /** A body refused as too large is read and dropped up to this many times the cap before the 413 (see drainThenRefuse). */
  static final int DRAIN_FACTOR = 4;

  private final int maxBytes;
  private final Duration deadline;
  private final Cors cors;

  /** {@code maxBytes} caps the body as sent and as inflated; {@code deadline} is the time a client has to send it. */
  BufferedBodies(int maxBytes, Duration deadline, Cors cors) {
    this.maxBytes = maxBytes;
    this.deadline = deadline;
    this.cors = cors;
  }

  /** A body that cannot be read: status and message for the client. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpFields h = request.getHeaders();
    long length = request.getLength();
    boolean chunked = h.contains(HttpHeader.TRANSFER_ENCODING);
    if (length <= 0 && !chunked) {
      return super.handle(request, response, callback);
    }
    if (length > maxBytes) {
      Refusal r = new Refusal(413, "the body has " + length + " bytes; at most " + maxBytes + " are accepted");
      if (length <= DRAIN_FACTOR * maxBytes) {
        drainThenRefuse(request, response, callback, r);
      } else {
        refuse(request, response, callback, r);
      }
      return true;
    }
    AtomicBoolean late = new AtomicBoolean();
    Scheduler.Task timer = request.getComponents().getScheduler().schedule(() -> {
      late.set(true);
      request.fail(new TimeoutException("body not received in time"));
    }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    Thread caller = Thread.currentThread();
    AtomicBoolean registering = new AtomicBoolean(true);
    readAll(request).whenComplete((raw, failure) -> {
      timer.cancel();
      Runnable route = () -> {
        try {
          if (failure != null) {
            throw late.get() ? new Refusal(408, "the body did not arrive within " + deadline.toSeconds() + " s")
                : tooBig(failure) ? new Refusal(413, "the body has more than " + maxBytes + " bytes")
                : new Refusal(400, "the body could not be read: the connection ended early");
          }
          byte[] body = decode(raw, h.get(HttpHeader.CONTENT_ENCODING), h.get(HttpHeader.CONTENT_TYPE), maxBytes);
          // The routes take the body from here: reading it again through the servlet stream copied it into a
          // growing buffer on every request (about 5 % of /v1/batch's time in a profile).
          request.setAttribute(BODY, body);
          if (!super.handle(replay(request, body, canonical(h, body)), response, callback)) {
            Response.writeError(request, response, callback, 404);
          }
        } catch (Refusal r) {
          refuse(request, response, callback, r);
        } catch (Throwable t) {
          callback.failed(t);
        }
      };
      // A body already there completes at once, on this pool thread: go on here. A later completion may come on a
      // selector thread, which must not block: hand the route to the pool.
      if (registering.get() && Thread.currentThread() == caller) {
        route.run();
      } else {
        request.getComponents().getExecutor().execute(route);
      }
    });
    registering.set(false);
    return true;
  }

  /**
   * Reads and drops the rest of a body that is refused as too large (at most {@value #DRAIN_FACTOR} times the cap in
   * all, within the deadline), then answers 413. Why not answer at once: the client is still sending, and a server
   * that closes its socket with the client's bytes unread makes the kernel send a reset (RFC 1122 §4.2.2.13), which
   * can reach the client before it reads the 413; it then sees a broken connection instead of the answer, and
   * retries the same body for ever (Java's HttpClient: "header parser received no bytes"). Reading the rest costs
   * only loopback or network time, and only up to a bound.
   */
  private void drainThenRefuse(Request request, Response response, Callback callback, Refusal refusal) {
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish = () -> {
      if (done.compareAndSet(false, true)) {
        request.getComponents().getExecutor().execute(() -> refuse(request, response, callback, refusal));
      }
    };
    Scheduler.Task timer = request.getComponents().getScheduler().schedule(finish, deadline.toMillis(), TimeUnit.MILLISECONDS);
    long cap = (long) DRAIN_FACTOR * maxBytes;
    new Runnable() {
      private long dropped;

      @Override
      public void run() {
        while (!done.get()) {
          Content.Chunk chunk = request.read();
          if (chunk == null) {
            request.demand(this);
            return;
          }
          boolean last = chunk.isLast() || Content.Chunk.isFailure(chunk);
          dropped += chunk.remaining();
          chunk.release();
          if (last || dropped > cap) {
            timer.cancel();
            finish.run();
            return;
          }
        }
      }
    }.run();
  }

  /** The body's bytes beyond the cap, read and dropped: {@link #readAll} completes with this failure once it has all. */
  static final class TooBig extends Exception {
    private static final long serialVersionUID = 1L;

    TooBig() {
      super(null, null, false, false);
    }
  }

  /**
   * The whole body, read as it arrives without holding a thread. Beyond {@code maxBytes} it keeps reading but stores
   * nothing (up to {@value #DRAIN_FACTOR} times the cap), then fails with {@link TooBig}: Jetty's own reader stopped at
   * the cap and failed the request, so the rest stayed unread and the client could be reset before it read its 413
   * (see {@link #drainThenRefuse}).
   */
  private CompletableFuture<byte[]> readAll(Request request) {
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    long cap = (long) DRAIN_FACTOR * maxBytes;
    new Runnable() {
      private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
      private long total;

      @Override
      public void run() {
        while (true) {
          Content.Chunk chunk = request.read();
          if (chunk == null) {
            request.demand(this);
            return;
          }
          if (Content.Chunk.isFailure(chunk)) {
            out.completeExceptionally(chunk.getFailure());
            return;
          }
          int n = chunk.remaining();
          total += n;
          if (total <= maxBytes) {
            ByteBuffer b = chunk.getByteBuffer();
            byte[] bytes = new byte[n];
            b.get(bytes);
            kept.writeBytes(bytes);
          }
          boolean last = chunk.isLast();
          chunk.release();
          if (last || total > cap) {
            if (total > maxBytes) {
              out.completeExceptionally(new TooBig());
            } else {
              out.complete(kept.toByteArray());
            }
            return;
          }
        }
      }
    }.run();
    return out;
  }

  private static boolean tooBig(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    // Jetty 12.0 said IllegalArgumentException or BufferOverflowException; 12.1 says IllegalStateException("Max size
    // (N) exceeded"), which a chunked body over the cap met as "connection ended early" (a 400) until a test sent one.
    return t instanceof TooBig || t instanceof IllegalArgumentException || t instanceof BufferOverflowException
        || t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("Max size");
  }

  /** The body decoded as the class comment says; the same array when nothing had to change. */
  static byte[] decode(byte[] raw, String encoding, String contentType, int maxBytes) throws Refusal {
    byte[] body = raw;
    if (encoding != null && !encoding.isBlank()) {
      String e = encoding.trim().toLowerCase(Locale.ROOT);
      if (e.equals("gzip") || e.equals("x-gzip")) {
        body = gunzip(raw, maxBytes);
      } else if (!e.equals("identity")) {
        throw new Refusal(415, "Content-Encoding '" + encoding + "' is not supported; send gzip or no encoding");
      }
    }
    Charset cs = charset(body, contentType);
    int bom = bomLength(body);
    if (cs == StandardCharsets.UTF_8) {
      if (bom == 0 && ascii(body)) {
        return body;
      }
      check(body, bom, cs);
      return bom == 0 ? body : Arrays.copyOfRange(body, bom, body.length);
    }
    String text = check(body, bom, cs);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gunzip(byte[] raw, int maxBytes) throws Refusal {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, raw.length * 4 + 64));
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (out.size() + n > maxBytes) {
          throw new Refusal(413, "the gzip body inflates to more than " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException | EOFException e) {
      throw new Refusal(400, "the body is not a valid gzip stream (Content-Encoding: gzip): " + e.getMessage());
    } catch (IOException e) {
      throw new Refusal(400, "the gzip body could not be read: " + e.getMessage());
    }
  }

  private static int bomLength(byte[] b) {
    if (starts(b, 0x00, 0x00, 0xFE, 0xFF) || starts(b, 0xFF, 0xFE, 0x00, 0x00)) {
      return 4;
    }
    if (starts(b, 0xEF, 0xBB, 0xBF)) {
      return 3;
    }
    return starts(b, 0xFE, 0xFF) || starts(b, 0xFF, 0xFE) ? 2 : 0;
  }

  private static Charset charset(byte[] b, String contentType) throws Refusal {
    if (starts(b, 0x00, 0x00, 0xFE, 0xFF)) {
      return Charset.forName("UTF-32BE");
    }
    if (starts(b, 0xFF, 0xFE, 0x00, 0x00)) {
      return Charset.forName("UTF-32LE");
    }
    if (starts(b, 0xEF, 0xBB, 0xBF)) {
      return StandardCharsets.UTF_8;
    }
    if (starts(b, 0xFE, 0xFF)) {
      return StandardCharsets.UTF_16BE;
    }
    if (starts(b, 0xFF, 0xFE)) {
      return StandardCharsets.UTF_16LE;
    }
    String declared = declaredCharset(contentType);
    if (declared != null && declared.startsWith("utf-16") || declared != null && declared.startsWith("utf-32")) {
      return switch (declared) {
        case "utf-16be" -> StandardCharsets.UTF_16BE;
        case "utf-16le" -> StandardCharsets.UTF_16LE;
        case "utf-32be" -> Charset.forName("UTF-32BE");
        case "utf-32le" -> Charset.forName("UTF-32LE");
        case "utf-16" -> b.length >= 2 && b[0] != 0 && b[1] == 0 ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
        case "utf-32" -> b.length >= 4 && b[0] != 0 && b[3] == 0 ? Charset.forName("UTF-32LE") : Charset.forName("UTF-32BE");
        default -> throw new Refusal(415, "charset '" + declared + "' is not supported; send UTF-8 JSON");
      };
    }
    if (b.length >= 4) {
      boolean z0 = b[0] == 0;
      boolean z1 = b[1] == 0;
      boolean z2 = b[2] == 0;
      boolean z3 = b[3] == 0;
      if (z0 && z1 && z2 && !z3) {
        return Charset.forName("UTF-32BE");
      }
      if (!z0 && z1 && z2 && z3) {
        return Charset.forName("UTF-32LE");
      }
      if (z0 && !z1 && z2 && !z3) {
        return StandardCharsets.UTF_16BE;
      }
      if (!z0 && z1 && !z2 && z3) {
        return StandardCharsets.UTF_16LE;
      }
    } else if (b.length >= 2 && (b[0] == 0) != (b[1] == 0)) {
      return b[0] == 0 ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE;
    }
    return StandardCharsets.UTF_8;
  }

  static String declaredCharset(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        return p.substring(8).trim().replace("\"", "").toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** Decodes strictly; a malformed or unmappable sequence is a 400 naming its byte offset. */
  private static String check(byte[] b, int from, Charset cs) throws Refusal {
    CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, from, b.length - from);
    try {
      CharBuffer out = d.decode(in);
      return out.toString();
    } catch (CharacterCodingException e) {
      throw new Refusal(400, "the body is not valid " + cs.name() + " at byte " + in.position());
    }
  }

  /** Pure ASCII is valid UTF-8: most tracking bodies, checked without decoding. */
  private static boolean ascii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean starts(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The headers of the decoded body: no Content-Encoding, its own length, and UTF-8 named as its charset. */
  private static HttpFields canonical(HttpFields h, byte[] body) {
    HttpFields.Mutable m = HttpFields.build(h);
    m.remove(HttpHeader.CONTENT_ENCODING);
    m.remove(HttpHeader.TRANSFER_ENCODING);
    m.put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
    String type = h.get(HttpHeader.CONTENT_TYPE);
    if (type != null && declaredCharset(type) != null) {
      m.put(HttpHeader.CONTENT_TYPE, type.split(";")[0].trim() + "; charset=utf-8");
    }
    return m.asImmutable();
  }

  /** The request with {@code body} as its content, already all there. */
  private static Request replay(Request request, byte[] body, HttpFields headers) {
    AtomicBoolean taken = new AtomicBoolean();
    return new Request.Wrapper(request) {
      @Override
      public HttpFields getHeaders() {
        return headers;
      }

      @Override
      public long getLength() {
        return body.length;
      }

      @Override
      public Content.Chunk read() {
        return taken.getAndSet(true) ? Content.Chunk.EOF : Content.Chunk.from(ByteBuffer.wrap(body), true);
      }

      @Override
      public boolean consumeAvailable() {
        taken.set(true);
        return true;
      }

      @Override
      public void demand(Runnable demandCallback) {
        demandCallback.run();
      }
    };
  }

  private void refuse(Request request, Response response, Callback callback, Refusal r) {
    response.setStatus(r.status);
    HttpFields.Mutable out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, "application/json");
    if (r.status == 408 || r.status == 413) {
      out.put(HttpHeader.CONNECTION, "close");
    }
    cors.decorate(request.getHeaders().get(HttpHeader.ORIGIN), request.getHttpURI().getPath(), out::put);
    byte[] json;
    try {
      json = Http.JSON.writeValueAsBytes(Map.of("error", r.getMessage()));
    } catch (IOException e) {
      json = "{\"error\":\"the body could not be read\"}".getBytes(StandardCharsets.UTF_8);
    }
    response.write(true, ByteBuffer.wrap(json), callback);
  }
}
