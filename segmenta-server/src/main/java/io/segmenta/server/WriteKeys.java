package io.segmenta.server;

import io.segmenta.core.UserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Write keys made and revoked while the server runs (the web app's Settings → Write keys), beside the ones given at
 * start ({@code --write-key}, {@code --source}, which stay as they are). Kept in {@code write-keys.tsv} of the data
 * directory, owner-only, one line per key: its source name, strictness, when it was made, the key's SHA-256 and its
 * first characters (so a list can tell keys apart without showing them). The key itself is shown once, when made.
 * The file is read again when it changes, so a revoked key is refused from its next request on.
 *
 * <p>One registry per data directory in this process ({@link #in(Path)}): the server checks keys against the same
 * object the app changes.
 */
public final class WriteKeys {
  public static final String FILE = "write-keys.tsv";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final String HEADER = "# segmenta write keys: source name, strict|lenient, created, sha-256 of the key, its first characters";
  private static final Map<Path, WriteKeys> BY_DIR = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key as listed: never the key, only its first characters. */
  public record Key(String name, boolean strict, Instant created, String hash, String prefix) {}

  private final SecretFile<Key> file;

  private WriteKeys(Path file) {
    this.file = new SecretFile<>(file, HEADER, new SecretFile.Format<>() {
      @Override
      public int fields() {
        return 5;
      }

      @Override
      public String expected() {
        return "name, strictness, created, hash and prefix";
      }

      @Override
      public Key parse(String[] f) {
        return new Key(f[0], f[1].equals("strict"), Instant.parse(f[2]), f[3], f[4]);
      }

      @Override
      public List<String> format(Key k) {
        return List.of(k.name(), k.strict() ? "strict" : "lenient", k.created().toString(), k.hash(), k.prefix());
      }
    }, Key::hash);
  }

  /** The registry of a data directory (the file need not exist yet). */
  public static WriteKeys in(Path dataDir) {
    return BY_DIR.computeIfAbsent(dataDir.toAbsolutePath().normalize(), d -> new WriteKeys(d.resolve(FILE)));
  }

  /** Every key made here, oldest first. */
  public synchronized List<Key> list() {
    return List.copyOf(current().values());
  }

  /** The source of a key made here, if it was not revoked. */
  synchronized Optional<Source> source(String key) {
    Key k = current().get(sha256(key));
    return k == null ? Optional.empty() : Optional.of(new Source(k.name(), key, k.strict()));
  }

  /**
   * Makes a key for a new source and returns it (the only time it is shown). The name is checked as a source's name
   * is; {@code taken} holds the names of sources given at start, which a new key may not reuse either.
   */
  public synchronized String create(String name, boolean strict, Instant at, List<String> taken) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new UserException("a source name has 1 to 64 letters, digits, '_', '.' or '-', got '" + name + "'");
    }
    Map<String, Key> now = new LinkedHashMap<>(current());
    if (taken.contains(name) || now.values().stream().anyMatch(k -> k.name().equals(name))) {
      throw new UserException("a source named '" + name + "' already has a write key; revoke it first");
    }
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    String key = "wk_" + HexFormat.of().formatHex(b);
    Key k = new Key(name, strict, at, sha256(key), key.substring(0, 7));
    now.put(k.hash(), k);
    write(now);
    return key;
  }

  /** Revokes the key of source {@code name}. */
  public synchronized void revoke(String name) {
    Map<String, Key> now = new LinkedHashMap<>(current());
    if (!now.values().removeIf(k -> k.name().equals(name))) {
      throw new UserException("no write key made here for a source named '" + name + "'");
    }
    write(now);
  }

  private Map<String, Key> current() {
    return file.rows();
  }

  private void write(Map<String, Key> all) {
    file.write(all.values());
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
