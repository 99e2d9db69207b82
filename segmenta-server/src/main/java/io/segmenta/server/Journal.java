package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.ingest.SegmentSpec;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Store;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable acknowledgement at tracking speed: a write-ahead journal in front of the database, as databases and log
 * brokers do (Gray and Reuter, "Transaction Processing", ch. 9: group commit; Kafka's fsync'd log). A request's
 * profiles and events are appended to {@code journal.log} with a length and CRC32, and the request is answered
 * only after the file is forced to disk; requests waiting at the same moment share one append and one fsync. An
 * applier moves journaled records into DuckDB in large transactions and empties the journal once all are there.
 * After a crash, the journal is replayed at start: writes are idempotent (events by id, traits by value), so a
 * record applied twice changes nothing. A torn last record was never acknowledged (its fsync never returned) and is
 * dropped. Reads that must see every acknowledged write call {@link #flush()} first.
 */
final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  /** Apply when this many events wait, or after {@link #APPLY_MILLIS}. */
  static final int APPLY_EVENTS = 50_000;
  static final long APPLY_MILLIS = 1000;
  /** A request with no messages: what a flush sends through the writer to wait for the requests before it. */
  private static final byte[] EMPTY = request("{\"batch\":[]}".getBytes(StandardCharsets.UTF_8), null, true, Instant.EPOCH);

  private record Pending(byte[] request, Batch batch, Map<String, List<ConsentRecord>> consents, CompletableFuture<Void> done) {}

  private record Entry(Batch batch, Map<String, List<ConsentRecord>> consents) {}

  private final Store store;
  private final Path file;
  private final FileChannel channel;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  /** Journaled, not yet in the database; guarded by {@code this}. */
  private final List<Entry> unapplied = new ArrayList<>();
  private int unappliedEvents;
  private final java.util.concurrent.locks.ReentrantLock applying = new java.util.concurrent.locks.ReentrantLock();
  private final Thread writer;
  private final Thread applier;
  private volatile boolean closed;

  private final java.util.function.Consumer<Batch> onDurable;

  /** {@code onDurable} sees each request's batch as soon as it is on disk (real-time segments start there). */
  private final java.util.function.Consumer<List<io.segmenta.core.port.MergeRecord>> onMerge;
  private final java.util.function.BiConsumer<String, List<ConsentRecord>> onConsent;

  Journal(Store store, Path dataDir, java.util.function.Consumer<Batch> onDurable,
      java.util.function.Consumer<List<io.segmenta.core.port.MergeRecord>> onMerge,
      java.util.function.BiConsumer<String, List<ConsentRecord>> onConsent) {
    this.store = store;
    this.onConsent = onConsent;
    this.onDurable = onDurable;
    this.onMerge = onMerge;
    this.file = dataDir.resolve("journal.log");
    try {
      Files.createDirectories(dataDir);
      replay();
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the journal " + file + ": " + e.getMessage(), e);
    }
    writer = new Thread(this::writeLoop, "segmenta-journal-writer");
    applier = new Thread(this::applyLoop, "segmenta-journal-applier");
    writer.setDaemon(true);
    applier.setDaemon(true);
    writer.start();
    applier.start();
  }

  /**
   * The journal's record of a tracking request: the request as received, with its endpoint and time, from which
   * replay translates it again exactly as it was (declarations made for it are already in the schema).
   */
  static byte[] request(byte[] body, String type, boolean batch, Instant receivedAt) {
    // The body is valid JSON (it was parsed before), so it is embedded as it came, without serialising it again.
    byte[] head = ("{\"type\":" + (type == null ? "null" : "\"" + type + "\"") + ",\"batch\":" + batch + ",\"at\":\"" + receivedAt
        + "\",\"body\":").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + body.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    out[out.length - 1] = '}';
    return out;
  }

  /** Journals a request, whose translation is {@code batch} and {@code consents}; returns once it is on disk. */
  void write(byte[] request, Batch batch, Map<String, List<ConsentRecord>> consents) {
    await(writeAsync(request, batch, consents));
  }

  /**
   * As {@link #write}, without holding the caller's thread: the future completes once the request is on disk, so
   * a server thread can serve other requests while a group waits for its fsync.
   */
  CompletableFuture<Void> writeAsync(byte[] request, Batch batch, Map<String, List<ConsentRecord>> consents) {
    if (closed) {
      throw new Http.Failure(503, "the server is shutting down; send again");
    }
    Pending p = new Pending(request, batch, consents, new CompletableFuture<>());
    queue.add(p);
    return p.done().orTimeout(60, TimeUnit.SECONDS);
  }

  private static void await(CompletableFuture<Void> f) {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new Http.Failure(503, "the write did not reach the disk within 60 s; send again (a retry stores nothing twice)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Http.Failure(503, "interrupted; send again");
    }
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.clear();
        group.add(first);
        queue.drainTo(group, 4096);
        List<byte[]> records = new ArrayList<>(group.size());
        int size = 0;
        for (Pending p : group) {
          byte[] r = frame(p.request());
          records.add(r);
          size += r.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        records.forEach(buf::put);
        buf.flip();
        synchronized (this) {
          while (buf.hasRemaining()) {
            channel.write(buf);
          }
          channel.force(false);
          for (Pending p : group) {
            unapplied.add(new Entry(p.batch(), p.consents()));
            unappliedEvents += p.batch().events().size();
          }
          notifyAll();
        }
        // Observers see the batch before the sender hears back, so a client that reads right after its write
        // (a page asking for a decision after tracking a view) sees what it wrote. The batch is durable either way:
        // an observer's failure must not turn into a 503 that makes the client send it twice.
        for (Pending p : group) {
          try {
            onDurable.accept(p.batch());
          } catch (RuntimeException observer) {
            LOG.error("an observer of durable batches failed: {}", observer.toString());
          }
        }
        group.forEach(p -> p.done().complete(null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.error("journal write failed: {}", e.getClass().getSimpleName());
        group.forEach(p -> p.done().completeExceptionally(new Http.Failure(503, "the journal could not be written; send again")));
      }
    }
  }

  private void applyLoop() {
    while (!closed) {
      try {
        synchronized (this) {
          if (unappliedEvents < APPLY_EVENTS) {
            wait(APPLY_MILLIS);
          }
        }
        applyNow();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("applying the journal failed: {}; retrying", e.getClass().getSimpleName());
      }
    }
  }

  /**
   * Moves every journaled record into the database; when none is left, empties the journal. One applier at a time
   * (the applier thread, or a reader's flush); the journal's lock is held only to take and remove records, never
   * during the database write, so appends and fsyncs go on meanwhile.
   */
  void applyNow() {
    applying.lock();
    try {
      List<Entry> entries;
      synchronized (this) {
        if (unapplied.isEmpty()) {
          return;
        }
        entries = new ArrayList<>(unapplied);
      }
      apply(entries);
      synchronized (this) {
        unapplied.subList(0, entries.size()).clear();
        unappliedEvents = unapplied.stream().mapToInt(x -> x.batch().events().size()).sum();
        if (unapplied.isEmpty()) {
          // Everything journaled is in the database; appends wait for this lock, so nothing is lost by emptying.
          try {
            channel.truncate(0);
            channel.force(false);
          } catch (IOException e) {
            LOG.error("cannot empty the journal: {}", e.getClass().getSimpleName());
          }
        }
      }
    } finally {
      applying.unlock();
    }
  }

  /** Every write acknowledged so far is in the database when this returns. */
  void flush() {
    // Wait for requests still on their way to the disk, then apply.
    CompletableFuture<Void> marker = new CompletableFuture<>();
    if (!closed) {
      queue.add(new Pending(EMPTY, new Batch(List.of(), List.of()), Map.of(), marker));
      await(marker);
    }
    applyNow();
  }

  private void apply(List<Entry> entries) {
    Map<String, Profile> profiles = new LinkedHashMap<>();
    List<Event> events = new ArrayList<>();
    for (Entry e : entries) {
      for (Profile p : e.batch().profiles()) {
        Profile prior = profiles.get(p.id());
        if (prior == null) {
          profiles.put(p.id(), p);
        } else {
          Map<String, Value> traits = new LinkedHashMap<>(prior.traits());
          traits.putAll(p.traits());
          LinkedHashSet<Identifier> ids = new LinkedHashSet<>(prior.identifiers());
          ids.addAll(p.identifiers());
          profiles.put(p.id(), new Profile(p.id(), List.copyOf(ids), traits));
        }
      }
      events.addAll(e.batch().events());
    }
    store.write(new Batch(List.copyOf(profiles.values()), events));
    for (Entry e : entries) {
      e.consents().forEach((id, choices) -> {
        store.recordConsent(id, choices);
        onConsent.accept(id, choices);
      });
    }
    // Profiles that turn out to be one person are merged once their identifiers are stored.
    List<io.segmenta.core.port.MergeRecord> merges = io.segmenta.core.identity.Stitching.apply(store,
        profiles.values().stream().filter(p -> !p.identifiers().isEmpty()).toList(), Instant.now());
    long refused = merges.stream().filter(m -> !m.applied()).count();
    if (refused > 0) {
      // No identifier in the log line: the merge log on the profile says which one.
      LOG.warn("{} merge(s) refused: an identifier shared by too many profiles (see the merge log of the profiles concerned)", refused);
    }
    if (!merges.isEmpty() && onMerge != null) {
      onMerge.accept(merges);
    }
  }

  /** Applies what a previous run journaled and did not apply (after a crash), then empties the journal. */
  private void replay() throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return;
    }
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
    List<Entry> entries = new ArrayList<>();
    while (all.remaining() >= 8) {
      int len = all.getInt();
      int crc = all.getInt();
      if (len < 0 || len > all.remaining()) {
        break;
      }
      byte[] body = new byte[len];
      all.get(body);
      CRC32 c = new CRC32();
      c.update(body);
      if ((int) c.getValue() != crc) {
        break;
      }
      entries.add(decode(body));
    }
    if (!entries.isEmpty()) {
      apply(entries);
      LOG.info("replayed {} journaled requests", entries.size());
    }
    Files.write(file, new byte[0]);
  }

  private static byte[] frame(byte[] body) {
    CRC32 c = new CRC32();
    c.update(body);
    return ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) c.getValue()).put(body).array();
  }

  /** Translates a journaled request again, declaring anything its translation needs (normally already there). */
  private Entry decode(byte[] record) throws IOException {
    JsonNode n = Http.JSON.readTree(record);
    String type = n.get("type").isNull() ? null : n.get("type").asText();
    boolean batch = n.get("batch").asBoolean();
    // Lenient: a record was accepted under its source's policy, and what passed strict checks translates the same.
    SegmentSpec.Translation t = SegmentSpec.translate(TrackingRoutes.messages(n.get("body"), batch), type, batch, store.schema(),
        Instant.parse(n.get("at").asText()), SegmentSpec.Policy.LENIENT);
    if (!t.ok()) {
      throw new IOException("a journaled request no longer translates: " + t.problems().size() + " problems");
    }
    t.newTraits().forEach(store::declareTrait);
    t.newProperties().forEach((name, def) -> store.declareProperty(def, List.copyOf(t.newPropertyTypes().getOrDefault(name, java.util.Set.of()))));
    return new Entry(new Batch(t.profiles(), t.events()), t.consents());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      try {
        writer.join(TimeUnit.SECONDS.toMillis(30));
        applier.interrupt();
        applier.join(TimeUnit.SECONDS.toMillis(30));
        applyNow();
        channel.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.error("cannot close the journal: {}", e.getClass().getSimpleName());
      }
    }
  }
}
