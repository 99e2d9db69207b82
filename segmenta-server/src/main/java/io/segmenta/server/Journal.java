package io.segmenta.server;

import io.segmenta.core.identity.Stitching;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.store.Store;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.value.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable acknowledgement at tracking speed: a write-ahead journal in front of the database, as databases and log
 * brokers do (Gray and Reuter, "Transaction Processing", ch. 9: group commit; Kafka's fsync'd log). A request's
 * translation (its declarations, profiles, events and consent choices: a {@link JournalRecord}, written by
 * {@link JournalCodec}) is appended to {@code journal.log} with a length and CRC32, and the request is answered only
 * after the file is forced to disk; requests waiting at the same moment share one append and one fsync. A request
 * whose record cannot be encoded is refused before it is queued. An applier moves
 * journaled records into DuckDB in large transactions and empties the journal once all are there. After a crash,
 * the journal is replayed at start, writing what was journaled without translating anything again: writes are
 * idempotent (events by id, traits by value), so a record applied twice changes nothing. A torn last record was
 * never acknowledged (its fsync never returned) and is dropped.
 *
 * <p>A record the database refuses does not stop the others: a failed group is split in halves until the failing
 * records stand alone (a bisection, as {@code git bisect} finds a bad commit in log n steps), each is retried with
 * exponential backoff, and one that fails {@link #MAX_ATTEMPTS} times is parked in {@code journal.parked} with its
 * cause, so later records still apply and a restart never fails. {@link #status()} counts all of it. Reads that must
 * see every acknowledged write call {@link #flush()} first.
 *
 * <p>Over 500 lines: the writer (with its acknowledging thread), the applier, the replay and the erasure of a person from the file share the
 * unapplied records and both locks (an erasure rewrites {@code journal.log} while holding them, so nothing is appended
 * or applied meanwhile), and are kept in one class so that nothing else can touch them. What needs no lock already
 * stands apart: the record format ({@link JournalCodec}), the file operations ({@link JournalFile}), the counts
 * ({@link Worker}). The acknowledging thread (answers and observers in disk order, so the writer's next fsync does not
 * wait for them) and the applier's pace (once a second or at 50,000 waiting events) grew it to ~710 lines: both hand
 * records between the writer's and the applier's locks (an apply's consent writes stand apart in {@link ConsentWrites}). Next to
 * split: the acknowledging thread, behind a queue of durable groups, once it needs no view of the unapplied records.
 */
final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  /** Apply when this many events wait, or after {@link #APPLY_MILLIS}. */
  static final int APPLY_EVENTS = 50_000;
  static final long APPLY_MILLIS = 1000;
  /** A record that fails this many times on its own is parked; retries wait 100 ms, 200 ms, 400 ms, ... at most 5 s. */
  static final int MAX_ATTEMPTS = 5;
  static final long BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;

  /** A request's record as it goes to disk, and what those bytes decode to (what is applied, now or at replay). */
  record Encoded(byte[] bytes, JournalRecord content) {}

  /** How the applier is doing: what it applied, how often the database refused, what it parked and why, last. */
  record Status(long appliedRequests, long appliedEvents, long failures, long parked, int pending, String lastError,
      Instant lastErrorAt) {}

  private record Pending(Entry entry, CompletableFuture<Void> done) {}

  /** A journaled request not yet in the database; attempts and retryAt are guarded by {@code applying}. */
  private static final class Entry {
    final byte[] bytes;
    final JournalRecord record;
    int attempts;
    long retryAt;

    Entry(byte[] bytes, JournalRecord record) {
      this.bytes = bytes;
      this.record = record;
    }
  }

  private final Store store;
  private final Path file;
  private final Path parkedFile;
  /** Appends to {@code journal.log}; replaced (under {@code this}) when an erasure rewrites the file. */
  private FileChannel channel;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  /** Journaled, not yet in the database; guarded by {@code this}. */
  private final List<Entry> unapplied = new ArrayList<>();
  private int unappliedEvents;
  private final ReentrantLock applying = new ReentrantLock();
  private final Thread writer;
  private final Thread applier;
  /** Publishes each durable group to the lifecycle and answers its requests (see {@link #acknowledge}). */
  private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "segmenta-journal-acks");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private volatile long appliedRequests;
  private volatile long appliedEvents;
  private volatile long failures;
  private volatile long parked;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /**
   * Hears of each request's batch as soon as it is on disk (real-time segments start there), and of consent choices
   * and merges as they are applied.
   */
  private final ProfileLifecycle lifecycle;
  private final Clock clock;
  /** The applier's counters and last failure, as {@code GET /admin/status} shows them. */
  private final Worker worker;

  /** A journal telling three callbacks what happens (tests of the journal alone), on the system clock. */
  Journal(Store store, Path dataDir, Consumer<Batch> onDurable, Consumer<List<MergeRecord>> onMerge,
      BiConsumer<String, List<ConsentRecord>> onConsent) {
    this(store, dataDir, Clock.systemUTC(), callbacks(onDurable, onMerge, onConsent), null);
  }

  private static ProfileLifecycle callbacks(Consumer<Batch> onDurable, Consumer<List<MergeRecord>> onMerge,
      BiConsumer<String, List<ConsentRecord>> onConsent) {
    ProfileLifecycle l = new ProfileLifecycle(new Worker("lifecycle", Clock.systemUTC(), null));
    l.subscribe(e -> {
      if (e instanceof ProfileEvent.Written w) {
        onDurable.accept(w.batch());
      } else if (e instanceof ProfileEvent.Merged m) {
        onMerge.accept(m.merges());
      } else if (e instanceof ProfileEvent.ConsentChanged c) {
        onConsent.accept(c.profileId(), c.choices());
      }
    });
    return l;
  }

  /**
   * A journal in {@code dataDir} publishing to {@code lifecycle}, timing failures and merges by {@code clock}, counting
   * in {@code worker} (null: a worker of its own, {@code journal}).
   */
  Journal(Store store, Path dataDir, Clock clock, ProfileLifecycle lifecycle, Worker worker) {
    this.store = store;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.worker = worker != null ? worker : new Worker("journal", clock, dataDir.resolve("journal.parked"));
    this.worker.backlog(() -> status().pending());
    this.file = dataDir.resolve("journal.log");
    this.parkedFile = dataDir.resolve("journal.parked");
    try {
      Files.createDirectories(dataDir);
      List<Entry> left = read();
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      replay(left);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the journal " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replaying the journal " + file, e);
    }
    writer = new Thread(this::writeLoop, "segmenta-journal-writer");
    applier = new Thread(this::applyLoop, "segmenta-journal-applier");
    writer.setDaemon(true);
    applier.setDaemon(true);
    writer.start();
    applier.start();
  }

  /**
   * The journal's record of a successful translation, encoded before anything is acknowledged: a text that UTF-8
   * cannot hold is the client's error (400, naming where). With assertions on (tests, and the hostile corpus's
   * server), the bytes are also decoded back and compared, so every request a test sends proves that a replay
   * would read exactly what was acknowledged; in production that would cost a third of the translation's time.
   */
  static Encoded encode(SegmentSpec.Translation t, String source, Instant receivedAt) {
    JournalRecord r = JournalRecord.of(t, source, receivedAt);
    byte[] bytes;
    try {
      bytes = JournalCodec.encode(r);
    } catch (JournalCodec.Unencodable e) {
      throw new Http.Failure(400, e.getMessage());
    }
    assert JournalCodec.decode(bytes).equals(r) : "a journal record does not read back as it was written";
    return new Encoded(bytes, r);
  }

  /** Journals a request; returns once it is on disk. */
  void write(Encoded request) {
    await(writeAsync(request));
  }

  /**
   * As {@link #write}, without holding the caller's thread: the future completes once the request is on disk, so
   * a server thread can serve other requests while a group waits for its fsync.
   */
  CompletableFuture<Void> writeAsync(Encoded request) {
    if (closed) {
      throw new Http.Failure(503, "the server is shutting down; send again");
    }
    Pending p = new Pending(new Entry(request.bytes(), request.content()), new CompletableFuture<>());
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
          if (p.entry() != null) {
            byte[] r = JournalFile.frame(p.entry().bytes);
            records.add(r);
            size += r.length;
          }
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        records.forEach(buf::put);
        buf.flip();
        synchronized (this) {
          if (size > 0) {
            while (buf.hasRemaining()) {
              channel.write(buf);
            }
            channel.force(false);
          }
          for (Pending p : group) {
            if (p.entry() != null) {
              unapplied.add(p.entry());
              unappliedEvents += p.entry().record.events().size();
            }
          }
          if (unappliedEvents >= APPLY_EVENTS) {
            notifyAll();
          }
        }
        // The group's observers and answers go to the acknowledging thread, so this one starts the next append and
        // fsync at once: a pipeline, as group commit in databases overlaps the next flush with the last one's
        // answers. Publishing and answering the whole group used to take about half of this thread's time.
        List<Pending> durable = List.copyOf(group);
        acks.execute(() -> acknowledge(durable));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.error("journal write failed: {}", BackgroundStatus.Failure.chain(e));
        group.forEach(p -> p.done().completeExceptionally(new Http.Failure(503, "the journal could not be written; send again")));
      }
    }
  }

  /**
   * Observers see the batch before the sender hears back, so a client that reads right after its write (a page
   * asking for a decision after tracking a view) sees what it wrote. The batch is durable either way: an
   * observer's failure must not turn into a 503 that makes the client send it twice. One thread, in the order the
   * groups reached the disk, so a {@link #flush()} marker is answered after every batch before it was published.
   */
  private void acknowledge(List<Pending> group) {
    for (Pending p : group) {
      if (p.entry() == null) {
        continue;
      }
      try {
        lifecycle.publish(new ProfileEvent.Written(p.entry().record.batch()));
      } catch (RuntimeException observer) {
        // Counted and logged (cause chain) by the lifecycle's worker; the batch is durable and will be applied.
      }
    }
    group.forEach(p -> p.done().complete(null));
  }

  /**
   * Applies once every {@link #APPLY_MILLIS}, sooner when {@link #APPLY_EVENTS} wait or a record's retry is due.
   * Why not after every append: each apply has a cost of its own (staging tables, anti-joins against the stored
   * events and identifiers, a commit), so applying each small group as it reached the disk (what the writer's wake-up
   * after every group did) cost about twice the CPU per event of one apply a second (docs/BENCHMARKS.md, issue 12);
   * the writer now wakes this thread only when a full load waits.
   */
  private void applyLoop() {
    long next = millis() + APPLY_MILLIS;
    while (!closed) {
      try {
        synchronized (this) {
          for (long now = millis(); !closed && !due(now, next); now = millis()) {
            wait(pause(now, next));
          }
        }
        next = millis() + APPLY_MILLIS;
        applyNow();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        worker.failed(e);
        worker.log(LOG, e, "applying the journal; trying again in " + APPLY_MILLIS + " ms");
      }
    }
  }

  /** Whether a record can be applied now and it is time: the period is over, a full load waits, or a retry is due. Holds {@code this}. */
  private boolean due(long now, long next) {
    boolean time = now >= next || unappliedEvents >= APPLY_EVENTS;
    for (Entry e : unapplied) {
      if (e.retryAt <= now && (time || e.attempts > 0)) {
        return true;
      }
    }
    return false;
  }

  /** Until the next apply is due ({@code next}), or sooner when a record's retry is due. Holds {@code this}. */
  private long pause(long now, long next) {
    long until = next > now ? next : now + APPLY_MILLIS;
    for (Entry e : unapplied) {
      if (e.attempts > 0) {
        until = Math.min(until, e.retryAt);
      }
    }
    return Math.max(1, until - now);
  }

  private static long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /**
   * Moves every journaled record that is due into the database; when none is left, empties the journal. One
   * applier at a time (the applier thread, or a reader's flush); the journal's lock is held only to take and remove
   * records, never during the database write, so appends and fsyncs go on meanwhile. A record waiting for its retry
   * is left for a later call.
   */
  void applyNow() {
    applying.lock();
    try {
      List<Entry> due;
      long now = millis();
      synchronized (this) {
        if (unapplied.isEmpty()) {
          return;
        }
        due = unapplied.stream().filter(e -> e.retryAt <= now).toList();
      }
      Set<Entry> done = Collections.newSetFromMap(new IdentityHashMap<>());
      for (List<Entry> run : runs(due)) {
        attempt(run, done);
      }
      synchronized (this) {
        unapplied.removeIf(done::contains);
        unappliedEvents = unapplied.stream().mapToInt(x -> x.record.events().size()).sum();
        if (unapplied.isEmpty()) {
          // Everything journaled is in the database or parked; appends wait for this lock, so nothing is lost.
          try {
            channel.truncate(0);
            channel.force(false);
          } catch (IOException e) {
            LOG.error("cannot empty the journal: {}", BackgroundStatus.Failure.chain(e));
          }
        }
      }
    } finally {
      applying.unlock();
    }
  }

  /**
   * The records in runs that apply as they would one after the other: a record whose profiles carry identifiers
   * (an identify, an alias) may merge profiles, and merges are decided per write ({@link Stitching}), so such a
   * record ends its run. Records of events alone (nearly all, under load) share one write.
   */
  private static List<List<Entry>> runs(List<Entry> records) {
    List<List<Entry>> runs = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).record.profiles().stream().anyMatch(p -> !p.identifiers().isEmpty())) {
        runs.add(records.subList(from, i + 1));
        from = i + 1;
      }
    }
    if (from < records.size()) {
      runs.add(records.subList(from, records.size()));
    }
    return runs;
  }

  /** Applies {@code group} at once; if the database refuses, each half on its own, down to single records. */
  private void attempt(List<Entry> group, Set<Entry> done) {
    if (group.isEmpty()) {
      return;
    }
    try {
      apply(group.stream().map(e -> e.record).toList());
      done.addAll(group);
      appliedRequests += group.size();
      int events = group.stream().mapToInt(e -> e.record.events().size()).sum();
      appliedEvents += events;
      worker.processed(events);
    } catch (RuntimeException e) {
      if (group.size() == 1) {
        failed(group.get(0), e, done);
      } else {
        int mid = group.size() / 2;
        attempt(group.subList(0, mid), done);
        attempt(group.subList(mid, group.size()), done);
      }
    }
  }

  private void failed(Entry entry, RuntimeException cause, Set<Entry> done) {
    entry.attempts++;
    failures++;
    lastError = describe(cause);
    lastErrorAt = clock.instant();
    worker.failed(cause);
    // Only the cause chain's classes in the log: a message may quote the data.
    worker.log(LOG, cause, "a journaled request, attempt " + entry.attempts + " of " + MAX_ATTEMPTS);
    if (entry.attempts >= MAX_ATTEMPTS && park(entry.bytes, lastError)) {
      done.add(entry);
      return;
    }
    worker.retried();
    long backoff = Math.min(MAX_BACKOFF_MILLIS, BACKOFF_MILLIS << Math.min(20, entry.attempts - 1));
    entry.retryAt = millis() + backoff;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage() == null ? "" : ": " + e.getMessage();
    String s = e.getClass().getSimpleName() + m;
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  /** Moves a record that will not apply to {@code journal.parked}, with its cause, and forces it to disk. */
  private boolean park(byte[] record, String cause) {
    try {
      JournalFile.append(parkedFile, JournalFile.parked(cause, record));
    } catch (IOException e) {
      LOG.error("cannot park a journaled request in {}: {}", parkedFile.getFileName(), BackgroundStatus.Failure.chain(e));
      return false;
    }
    parked++;
    worker.parked(1);
    LOG.error("a journaled request was parked in {} after failing to apply; see status() for the last error", parkedFile.getFileName());
    return true;
  }

  /**
   * What the journal does with the profile lifecycle's events: an erased person leaves the records waiting for a
   * retry (applied later, they would bring the person back) and the parked records. {@code journal.log} is
   * rewritten to hold just the records still waiting, without the person: the file also keeps the bytes of records
   * already applied until it empties, and a replay after a crash would apply them again and bring the person back.
   */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Erased x) {
      applying.lock();
      try {
        synchronized (this) {
          List<Entry> kept = new ArrayList<>();
          for (Entry entry : unapplied) {
            byte[] pruned = JournalFile.without(entry.bytes, x.profileIds(), x.anonymousIds());
            if (pruned == entry.bytes) {
              kept.add(entry);
            } else if (pruned != null) {
              Entry p = new Entry(pruned, JournalCodec.decode(pruned));
              p.attempts = entry.attempts;
              p.retryAt = entry.retryAt;
              kept.add(p);
            }
          }
          unapplied.clear();
          unapplied.addAll(kept);
          unappliedEvents = unapplied.stream().mapToInt(u -> u.record.events().size()).sum();
          rewrite();
        }
      } finally {
        applying.unlock();
      }
      try {
        JournalFile.forget(parkedFile.getParent(), x.profileIds(), x.anonymousIds());
      } catch (IOException io) {
        throw new UncheckedIOException("cannot erase from " + parkedFile.getFileName() + ": " + io.getMessage(), io);
      }
    }
  }

  /**
   * Replaces {@code journal.log} with the records still waiting, atomically, and appends to the new file from then
   * on. Holds {@code this} (so no append runs meanwhile) and {@code applying} (so no record is being applied).
   */
  private void rewrite() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry entry : unapplied) {
      out.writeBytes(JournalFile.frame(entry.bytes));
    }
    try {
      JournalFile.replace(file, out.toByteArray());
      FileChannel old = channel;
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      old.close();
    } catch (IOException io) {
      throw new UncheckedIOException("cannot erase from " + file.getFileName() + ": " + io.getMessage(), io);
    }
  }

  /** The applier as one of the server's background jobs. */
  Worker worker() {
    return worker;
  }

  Status status() {
    int pending;
    synchronized (this) {
      pending = unapplied.size();
    }
    return new Status(appliedRequests, appliedEvents, failures, parked, pending, lastError, lastErrorAt);
  }

  /** Every write acknowledged so far is in the database when this returns (or is waiting for a retry, see status). */
  void flush() {
    // Wait for requests still on their way to the disk, then apply.
    CompletableFuture<Void> marker = new CompletableFuture<>();
    if (!closed) {
      queue.add(new Pending(null, marker));
      await(marker);
    }
    applyNow();
  }

  private void apply(List<JournalRecord> records) {
    declare(records);
    Map<String, Profile> profiles = new LinkedHashMap<>();
    List<Event> events = new ArrayList<>();
    for (JournalRecord r : records) {
      for (Profile p : r.profiles()) {
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
      events.addAll(r.events());
    }
    store.profiles().write(new Batch(List.copyOf(profiles.values()), events));
    ConsentWrites.record(store.consent(), records);
    for (JournalRecord r : records) {
      r.consents().forEach((id, choices) -> lifecycle.publish(new ProfileEvent.ConsentChanged(id, choices)));
      // Counted when applied, once per record: a record applied again (a replay after a crash) counts nothing more.
      if (!r.violations().isEmpty()) {
        store.violationLog().recordViolations(r.source(), r.violations(), r.receivedAt(), r.source() + "|" + r.receivedAt() + "|" + r.violations().hashCode()
            + "|" + r.events().stream().map(Event::id).findFirst().orElse(""));
      }
    }
    // Profiles that turn out to be one person are merged once their identifiers are stored.
    List<MergeRecord> merges = Stitching.apply(store.profiles(), store.identities(), profiles.values().stream().filter(p -> !p.identifiers().isEmpty()).toList(), clock.instant());
    long refused = merges.stream().filter(m -> !m.applied()).count();
    if (refused > 0) {
      // No identifier in the log line: the merge log on the profile says which one.
      LOG.warn("{} merge(s) refused: an identifier shared by too many profiles (see the merge log of the profiles concerned)", refused);
    }
    if (!merges.isEmpty()) {
      lifecycle.publish(new ProfileEvent.Merged(merges));
    }
  }

  /**
   * Makes the declarations of records that the schema lacks. The request's own thread made them before it was
   * journaled, so this does something only when that database write was lost in a crash; a name that has since
   * got another definition keeps the one the schema has.
   */
  private void declare(List<JournalRecord> records) {
    Schema s = store.catalog().schema();
    Map<String, TraitDef> traits = new LinkedHashMap<>();
    Map<String, PropertyDef> properties = new LinkedHashMap<>();
    Map<String, Set<String>> types = new LinkedHashMap<>();
    for (JournalRecord r : records) {
      for (TraitDef t : r.traits()) {
        if (s.trait(t.name()).isEmpty()) {
          traits.putIfAbsent(t.name(), t);
        }
      }
      for (PropertyDef p : r.properties()) {
        List<String> missing = r.propertyTypes().getOrDefault(p.name(), List.of()).stream()
            .filter(type -> !s.eventType(type).map(et -> et.has(p.name())).orElse(false)).toList();
        if (s.property(p.name()).isEmpty() || !missing.isEmpty()) {
          properties.putIfAbsent(p.name(), s.property(p.name()).orElse(p));
          types.computeIfAbsent(p.name(), k -> new LinkedHashSet<>()).addAll(missing);
        }
      }
    }
    if (!traits.isEmpty() || !properties.isEmpty()) {
      // One call: the store declares in short steps, so a replay with many names does not hold other writers up.
      store.catalog().declare(List.copyOf(traits.values()), properties.values(), types);
    }
  }

  /** The records a previous run journaled and did not apply (after a crash); one that cannot be read is parked. */
  private List<Entry> read() throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (byte[] record : JournalFile.frames(Files.readAllBytes(file))) {
      try {
        entries.add(new Entry(record, record.length > 0 && record[0] == '{' ? JournalRecord.legacy(record, store.catalog().schema()) : JournalCodec.decode(record)));
      } catch (IOException | RuntimeException e) {
        LOG.error("a journaled request cannot be read: {}", BackgroundStatus.Failure.chain(e));
        if (!park(record, "cannot be read: " + describe(e))) {
          throw new IOException("a journaled request can be neither read nor parked in " + parkedFile, e);
        }
      }
    }
    return entries;
  }

  /**
   * Applies what a previous run left, retrying and parking as the applier does, so that start always completes;
   * then empties the journal, torn tail included, before anything new is appended.
   */
  private void replay(List<Entry> entries) throws IOException, InterruptedException {
    synchronized (this) {
      unapplied.addAll(entries);
    }
    while (true) {
      applyNow();
      long wait;
      synchronized (this) {
        if (unapplied.isEmpty()) {
          break;
        }
        long now = millis();
        wait = pause(now, now + APPLY_MILLIS);
      }
      Thread.sleep(wait);
    }
    if (!entries.isEmpty()) {
      LOG.info("replayed {} journaled requests ({} parked so far)", entries.size(), parked);
    }
    channel.truncate(0);
    channel.force(false);
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
        acks.shutdown();
        acks.awaitTermination(30, TimeUnit.SECONDS);
        applier.interrupt();
        applier.join(TimeUnit.SECONDS.toMillis(30));
        applyNow();
        channel.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.error("cannot close the journal: {}", BackgroundStatus.Failure.chain(e));
      }
    }
  }
}
