package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.core.value.Instants;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** Where the data lives and how much of the machine to use; shared by every command that opens the store. */
final class StoreOptions {
  @Option(names = "--data-dir", description = "Directory of the database (default: $SEGMENTA_DATA_DIR or ~/.segmenta).")
  Path dataDir;

  @Option(names = "--memory-limit", description = "Memory DuckDB may use, e.g. 4GB (default: a quarter of RAM, at most 8GB).")
  String memoryLimit;

  @Option(names = "--threads", description = "Threads DuckDB may use (default: all cores).")
  Integer threads;

  StoreConfig config() {
    return StoreConfig.resolve(dataDir, memoryLimit, threads, System.getenv());
  }

  Store open() {
    return DuckDb.open(config());
  }

  /**
   * The store for a command that only reads it: read-only when the file allows (calls that only read may then run
   * side by side), else as {@link #open()}.
   */
  Store openReadOnly() {
    StoreConfig c = config();
    if (!Files.exists(c.databaseFile())) {
      // A command that only reads would otherwise create an empty store where a mistyped --data-dir points, and
      // report zeros as if that were the shop.
      throw new UserException("no store in " + c.dataDir().toAbsolutePath().normalize()
          + ": check --data-dir (or SEGMENTA_DATA_DIR), or write one with segmenta import or segmenta demo");
    }
    return DuckDb.openReadOnly(c);
  }

  /** As {@link #openReadOnly}, but a missing store is created empty: for checking a rule before any data is there. */
  Store openReadOnlyOrCreate() {
    return DuckDb.openReadOnly(config());
  }

  /** The store, dating what it stamps by {@code clock} (the server's). */
  Store open(Clock clock) {
    return DuckDb.open(config(), clock);
  }

  /** How long a store may go without events before a command given no {@code --as-of} reads it at its newest event: {@link AsOfDefault}. */
  static final Duration STALE_AFTER = AsOfDefault.STALE_AFTER;

  /** The instant a command runs at, and how it was chosen (for the "as of" line of its result). */
  record AsOf(Instant instant, String how) {}

  /**
   * {@code --as-of} resolved with its default: none given reads a live store now and a stale one (newest event over
   * {@link #STALE_AFTER} ago) at its newest event; every other text as {@link #asOf(String, Store)}.
   */
  static AsOf resolve(String text, Store store) {
    // The newest event only, not the store's statistics: their counts per event type cost a scan on every call.
    return resolve(text, store.profiles().lastEvent());
  }

  /** As {@link #resolve(String, Store)}, given the newest event's time (null: no events), as a lake gives it. */
  static AsOf resolve(String text, Instant last) {
    if (text == null) {
      Instant now = Instant.now();
      return AsOfDefault.stale(now, last)
          ? new AsOf(last, "latest event; the data ends over " + STALE_AFTER.toDays() + " days ago, --as-of now reads it today")
          : new AsOf(now, "now");
    }
    Instant at = asOf(text, last);
    return new AsOf(at, switch (text) {
      case "now" -> last != null && last.isBefore(at.minus(STALE_AFTER))
          ? "now; the newest event is " + last + ": --as-of latest reads the data where it ends" : "now";
      case "latest" -> last == null ? "now: no events yet" : "latest event";
      default -> text.length() == 10 ? "the end of " + text + ", UTC" : "as given";
    });
  }

  /** {@code now}, {@code latest} (the newest event), a date (its end, UTC) or an ISO instant. */
  static Instant asOf(String text, Store store) {
    return text != null && text.equals("latest") ? asOf(text, store.profiles().lastEvent()) : asOf(text, (Instant) null);
  }

  /** As {@link #asOf(String, Store)}, given the time of the newest event (read only for {@code latest}). */
  private static Instant asOf(String text, Instant last) {
    if (text == null || text.equals("now")) {
      return Instant.now();
    }
    if (text.equals("latest")) {
      return last == null ? Instant.now() : last;
    }
    try {
      return AsOfDefault.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /** A date (its start, UTC) or an ISO instant, for an option; null stays null. */
  static Instant instant(String option, String text) {
    if (text == null) {
      return null;
    }
    Instant at;
    try {
      at = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new UserException(option + " must be a date such as 2025-06-01 or an instant such as 2025-06-01T12:00:00Z, got '" + text + "'");
    }
    if (!Instants.accepts(at)) {
      throw new UserException(option + " must be " + Instants.RANGE + ", got '" + text + "'");
    }
    return at;
  }
}
