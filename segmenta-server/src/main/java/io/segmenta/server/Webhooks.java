package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.realtime.MembershipChange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.TreeSet;

/**
 * Webhooks for membership changes: each subscriber gets POSTs of {@code {"changes": [...]}} (at most 500 a call)
 * for the segments it asked for, signed with HMAC-SHA256 of the body under its secret
 * ({@code X-Segmenta-Signature: sha256=<hex>}), in order. A failed delivery (no answer, or not 2xx) is retried with
 * exponential backoff (0.25 s doubling, 8 attempts, about a minute); then the batch is parked in
 * {@code webhooks.parked} (the hook's id, its URL and the body as it would have been sent, to replay) and the next
 * one is sent: nothing is dropped. Deliveries, failed attempts, retries and parked changes count in the
 * {@code webhooks} worker. Subscriptions are kept in {@code webhooks.json} in the data directory; changes waiting for
 * delivery are kept in memory only. A change about a profile erased after it was published is never delivered,
 * and erasure removes it from the parked file too (see {@link #forget}).
 */
final class Webhooks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
  static final int ATTEMPTS = 8;
  static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

  record Hook(String id, String url, Set<String> segments, String secret) {}

  /** A change waiting for delivery, numbered in the order changes were published. */
  private record Queued(long seq, MembershipChange change) {}

  private final class Delivery {
    final Hook hook;
    final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong parked = new AtomicLong();
    final Thread thread;
    volatile boolean stopped;
    /**
     * The number of the first change this thread holds (a batch being sent or retried), 0 while it takes changes
     * from the queue (it may hold any), {@link Long#MAX_VALUE} when it holds none.
     */
    volatile long sending = Long.MAX_VALUE;

    Delivery(Hook hook) {
      this.hook = hook;
      this.thread = new Thread(this::run, "segmenta-webhook-" + hook.id());
      thread.setDaemon(true);
      thread.start();
    }

    void run() {
      List<Queued> batch = new ArrayList<>();
      while (!stopped) {
        try {
          sending = 0;
          Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            sending = Long.MAX_VALUE;
            continue;
          }
          batch.clear();
          batch.add(first);
          queue.drainTo(batch, 499);
          sending = first.seq();
          try {
            send(batch);
          } finally {
            sending = Long.MAX_VALUE;
            settle();
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void send(List<Queued> batch) throws InterruptedException {
      long backoff = firstBackoff.toMillis();
      Throwable last = null;
      for (int attempt = 1; attempt <= ATTEMPTS && !stopped; attempt++) {
        // A profile erased while the batch waited (for a receiver that is down, say) is never delivered.
        batch.removeIf(Webhooks.this::erased);
        if (batch.isEmpty()) {
          return;
        }
        byte[] body = body(batch);
        try {
          HttpRequest r = HttpRequest.newBuilder(URI.create(hook.url())).timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json").header("X-Segmenta-Signature", "sha256=" + sign(hook.secret(), body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          int code = http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (code >= 200 && code < 300) {
            delivered.addAndGet(batch.size());
            worker.processed(batch.size());
            return;
          }
          last = new IOException("the receiver answered HTTP " + code);
        } catch (IOException | IllegalArgumentException e) {
          last = e;
        }
        worker.failed(last);
        if (attempt == ATTEMPTS || stopped) {
          break;
        }
        worker.log(LOG, last, "webhook " + hook.id() + ", attempt " + attempt + " of " + ATTEMPTS + ", retrying");
        retries.incrementAndGet();
        worker.retried();
        Thread.sleep(backoff);
        backoff *= 2;
      }
      if (last == null) {
        return;
      }
      batch.removeIf(Webhooks.this::erased);
      if (batch.isEmpty()) {
        return;
      }
      // Parked, never dropped: written with the body a replay sends (a removed hook parks what it held, too).
      ObjectNode item = Http.JSON.createObjectNode().put("hook", hook.id()).put("url", hook.url());
      item.set("body", Http.JSON.createObjectNode().set("changes", body(batch, Http.JSON.createArrayNode())));
      for (int tries = 1; ; tries++) {
        try {
          ParkedFile.append(parkedFile, BackgroundStatus.Failure.of(last, worker.clock().instant()), item);
          break;
        } catch (IOException io) {
          worker.failed(io);
          worker.log(LOG, io, "cannot park webhook " + hook.id() + "'s batch, trying again");
          // Until the file can be written (a full disk, say): the thread holds the batch meanwhile.
          Thread.sleep(Worker.backoff(tries));
        }
      }
      parked.addAndGet(batch.size());
      worker.parked(batch.size());
      worker.log(LOG, last, "webhook " + hook.id() + ", " + batch.size() + " changes after " + ATTEMPTS + " attempts, parked");
    }
  }

  private final Path file;
  private final Path parkedFile;
  private final Worker worker;
  /** The wait before the first retry; it doubles with each. */
  private final Duration firstBackoff;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
  /** Numbers published changes, so that an erasure can tell the changes made before it from later ones. */
  private final AtomicLong published = new AtomicLong();
  /** Per erased profile, the number of the last change published before its erasure. */
  private final Map<String, Long> erasedThrough = new ConcurrentHashMap<>();

  /** Webhooks counting in {@code worker}, parking in its file, waiting {@code firstBackoff} before the first retry. */
  Webhooks(Path dataDir, Worker worker, Duration firstBackoff) {
    this.worker = worker;
    this.firstBackoff = firstBackoff;
    this.parkedFile = worker.parkedIn() != null ? worker.parkedIn() : dataDir.resolve("webhooks.parked");
    worker.backlog(this::queued);
    this.file = dataDir.resolve("webhooks.json");
    try {
      if (Files.exists(file)) {
        for (JsonNode h : Http.JSON.readTree(file.toFile())) {
          Set<String> segs = new TreeSet<>();
          h.path("segments").forEach(x -> segs.add(x.asText()));
          Hook hook = new Hook(h.get("id").asText(), h.get("url").asText(), segs, h.get("secret").asText());
          deliveries.put(hook.id(), new Delivery(hook));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized Hook add(String url, Set<String> segments) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Http.Failure(400, "'url' is not a URL: " + e.getMessage());
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
      throw new Http.Failure(400, "'url' must be an http or https URL with a host");
    }
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    Hook hook = new Hook("wh_" + HexFormat.of().formatHex(b, 0, 6), url, Set.copyOf(segments), HexFormat.of().formatHex(b));
    deliveries.put(hook.id(), new Delivery(hook));
    save();
    return hook;
  }

  synchronized boolean remove(String id) {
    Delivery d = deliveries.remove(id);
    if (d == null) {
      return false;
    }
    d.stopped = true;
    d.thread.interrupt();
    save();
    return true;
  }

  synchronized ArrayNode list() {
    ArrayNode a = Http.JSON.createArrayNode();
    for (Delivery d : deliveries.values()) {
      ObjectNode o = a.addObject().put("id", d.hook.id()).put("url", d.hook.url());
      d.hook.segments().forEach(o.putArray("segments")::add);
      o.put("queued", d.queue.size()).put("delivered", d.delivered.get()).put("retries", d.retries.get()).put("parked", d.parked.get());
    }
    return a;
  }

  /** The subscriptions, for senders that sign the same way (the review's alerts, {@link ReviewSchedule}). */
  synchronized List<Hook> hooks() {
    return deliveries.values().stream().map(d -> d.hook).toList();
  }

  /** Changes waiting for delivery, over all subscribers. */
  private synchronized long queued() {
    return deliveries.values().stream().mapToLong(d -> d.queue.size()).sum();
  }

  /** What webhooks do with the profile lifecycle's events: an erased person's changes are never delivered. */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Erased x) {
      forget(x.profileIds());
      try {
        ParkedFile.forget(parkedFile, x.profileIds(), x.anonymousIds());
      } catch (IOException io) {
        throw new UncheckedIOException("cannot erase from " + parkedFile.getFileName() + ": " + io.getMessage(), io);
      }
    }
  }

  /** Queues changes for every subscriber that wants their segment. */
  void publish(List<MembershipChange> changes) {
    List<Delivery> ds;
    synchronized (this) {
      ds = List.copyOf(deliveries.values());
    }
    for (MembershipChange c : changes) {
      Queued q = new Queued(published.incrementAndGet(), c);
      for (Delivery d : ds) {
        if (d.hook.segments().isEmpty() || d.hook.segments().contains(c.segment())) {
          d.queue.add(q);
        }
      }
    }
  }

  /**
   * Erased profiles: no change about them published so far is delivered, neither those queued nor a batch being
   * retried (checked before every attempt). Changes published later (the id sends events again) are delivered.
   * The queues are in memory only, so nothing about the profiles is left to deliver after a restart either.
   */
  void forget(Collection<String> profileIds) {
    settle();
    long through = published.get();
    profileIds.forEach(id -> erasedThrough.merge(id, through, Math::max));
    List<Delivery> ds;
    synchronized (this) {
      ds = List.copyOf(deliveries.values());
    }
    for (Delivery d : ds) {
      d.queue.removeIf(this::erased);
    }
  }

  /**
   * Drops the erased ids no change still waiting can be about: every waiting change is numbered after their
   * erasure. So the ids of erased people are kept only while needed.
   */
  private void settle() {
    if (erasedThrough.isEmpty()) {
      return;
    }
    long oldest = published.get() + 1;
    List<Delivery> ds;
    synchronized (this) {
      ds = List.copyOf(deliveries.values());
    }
    for (Delivery d : ds) {
      oldest = Math.min(oldest, d.sending);
      Queued head = d.queue.peek();
      if (head != null) {
        oldest = Math.min(oldest, head.seq());
      }
    }
    long first = oldest;
    erasedThrough.values().removeIf(through -> through < first);
  }

  private boolean erased(Queued q) {
    Long through = erasedThrough.get(q.change().profileId());
    return through != null && q.seq() <= through;
  }

  static ObjectNode json(MembershipChange c) {
    return Http.JSON.createObjectNode().put("profileId", c.profileId()).put("segment", c.segment())
        .put("change", c.entered() ? "entered" : "exited").put("at", c.at().toString()).put("cause", c.cause());
  }

  private static byte[] body(List<Queued> batch) {
    ObjectNode o = Http.JSON.createObjectNode();
    body(batch, o.putArray("changes"));
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ArrayNode body(List<Queued> batch, ArrayNode a) {
    batch.forEach(q -> a.add(json(q.change())));
    return a;
  }

  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }

  private void save() {
    ArrayNode a = Http.JSON.createArrayNode();
    for (Delivery d : deliveries.values()) {
      ObjectNode o = a.addObject().put("id", d.hook.id()).put("url", d.hook.url()).put("secret", d.hook.secret());
      d.hook.segments().forEach(o.putArray("segments")::add);
    }
    try {
      Path tmp = file.resolveSibling("webhooks.json.tmp");
      Files.writeString(tmp, a.toPrettyString());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    for (Delivery d : deliveries.values()) {
      d.stopped = true;
      d.thread.interrupt();
    }
  }
}
