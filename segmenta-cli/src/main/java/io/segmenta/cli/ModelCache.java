package io.segmenta.cli;

import io.segmenta.core.ingest.Progress;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.StoreStats;
import io.segmenta.ml.recommend.Recommender;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The recommender model kept beside the database between CLI calls, so that {@code recommend} and {@code email
 * preview} do not rebuild it every time (seconds on a real shop). The file holds a format version and a key of
 * what the model was built from: the store's profile, event and order-line counts and its first and last event, and
 * the options. Any import, erasure, merge of two profiles or new order changes the key, and the model is rebuilt.
 * Not seen: anonymous events linked to a profile with nothing else changing (only the server links them).
 *
 * <p>A model is built as of an instant (the CLI's "now"), and a later instant can change it in two ways: orders
 * of the last {@code trending} period count as trending, and product views of the last {@code 4 × halfLife}
 * are read. A kept model is therefore reused for a later instant only when the newest event is older than both
 * windows at the instant it was built for: then neither window held anything then, nor can it now, and the model
 * is the one a rebuild would give. A live shop with recent events gets a fresh model on each call, as before.
 *
 * <p>The file is read with a deserialization filter that admits only the model's own classes (and the JDK
 * collections and time types in them), and a file that cannot be read is ignored and rewritten: a cache never
 * makes a command fail.
 */
final class ModelCache {
  static final String FILE = "recommender.model";
  /** 2: the key holds the number of profiles (a merge moves one's purchases to another and removes it). */
  private static final int VERSION = 2;

  record Key(int version, long profiles, long events, long orderLines, Instant firstEvent, Instant lastEvent, Recommender.Options options) implements Serializable {
    static Key of(StoreStats st, Recommender.Options options) {
      return new Key(VERSION, st.profiles(), st.events(), st.orderLines(), st.firstEvent(), st.lastEvent(), options);
    }
  }

  /** What a call got: the model, and whether it came from the file. */
  record Loaded(Recommender model, boolean reused) {}

  /** What the file holds, read without the store: a call may read it while the store opens (see {@code email preview}). */
  record Kept(Key key, Recommender model) {}

  /** The stage a progress line shows while a kept model is read and found current. */
  static final String LOADING = "loading kept recommender";
  /** The stage a progress line shows while the model is built (no kept one, or the data changed). */
  static final String BUILDING = "building recommender";

  private ModelCache() {}

  static Loaded recommender(Store store, Path dataDir, Instant asOf, Recommender.Options options) {
    return recommender(store, dataDir, asOf, options, () -> read(dataDir), Progress.NONE);
  }

  static Loaded recommender(Store store, Path dataDir, Instant asOf, Recommender.Options options, Progress progress) {
    return recommender(store, dataDir, asOf, options, () -> read(dataDir), progress);
  }

  /**
   * The kept model when {@code kept} gives one built from the data the store holds now, else a new one (written for
   * the next call). The progress line names what happens: loading the kept model, or building one.
   */
  static Loaded recommender(Store store, Path dataDir, Instant asOf, Recommender.Options options, Supplier<Kept> kept, Progress progress) {
    Key key = Key.of(store.profiles().stats(), options);
    Kept k = kept.get();
    if (k != null && key.equals(k.key()) && sameModel(key, k.model().provenance().asOf(), asOf)) {
      progress.update(LOADING, 1, 1);
      return new Loaded(k.model(), true);
    }
    progress.update(BUILDING, 0, 1);
    Recommender built = Recommender.fromStore(store.catalog(), store.activity(), asOf, options);
    write(dataDir.resolve(FILE), key, built);
    progress.update(BUILDING, 1, 1);
    return new Loaded(built, false);
  }

  /** Whether a model built as of {@code builtAt} is the model a rebuild as of {@code asOf} would give. */
  static boolean sameModel(Key key, Instant builtAt, Instant asOf) {
    if (asOf.equals(builtAt)) {
      return true;
    }
    if (asOf.isBefore(builtAt) || key.lastEvent() == null) {
      return false;
    }
    Recommender.Options o = key.options();
    Duration widest = o.trending().compareTo(o.halfLife().multipliedBy(4)) > 0 ? o.trending() : o.halfLife().multipliedBy(4);
    return key.lastEvent().isBefore(builtAt.minus(widest));
  }

  /** The file's key and model, or null when there is none, or it is of another format version or unreadable. */
  static Kept read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16); ObjectInputStream o = new ObjectInputStream(in)) {
      o.setObjectInputFilter(ModelCache::admit);
      if (o.readInt() != VERSION) {
        return null;
      }
      Key key = (Key) o.readObject();
      return new Kept(key, (Recommender) o.readObject());
    } catch (IOException | ClassNotFoundException | ClassCastException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void write(Path file, Key key, Recommender model) {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16); ObjectOutputStream o = new ObjectOutputStream(out)) {
        o.writeInt(VERSION);
        o.writeObject(key);
        o.writeObject(model);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next call rebuilds and tries again
      }
    }
  }

  /** Only the model's classes, JDK collections, boxes, strings and time values; arrays of those. */
  private static ObjectInputFilter.Status admit(ObjectInputFilter.FilterInfo info) {
    Class<?> c = info.serialClass();
    if (c == null) {
      return info.depth() > 20 ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
    }
    while (c.isArray()) {
      c = c.getComponentType();
    }
    String n = c.getName();
    boolean ok = c.isPrimitive() || n.startsWith("io.segmenta.ml.recommend.") || n.equals(Key.class.getName())
        || n.equals("java.util.HashMap") || n.equals("java.util.Map$Entry") || n.equals("java.util.CollSer") || n.equals("java.lang.Object") || n.equals("java.lang.String") || n.equals("java.lang.Integer") || n.equals("java.lang.Number")
        || n.equals("java.time.Ser") || n.equals("java.time.Duration") || n.equals("java.time.Instant") || n.equals("java.lang.Enum")
        || n.equals("java.lang.Record");
    return ok ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
  }
}
