package io.segmenta.web.auth;

import io.segmenta.core.StoreException;
import io.segmenta.core.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web app's users, kept in {@code users.tsv} of the data directory (one line per user: name, role, password hash;
 * owner-only permissions), not in the database: the DuckDB file is open in one process only, so a file lets
 * {@code segmenta user add} work while {@code segmenta serve} runs (the server re-reads it when it changes), and
 * credentials stay out of the shop's data, its exports and its erasure rewrites.
 *
 * <p>Every change, from the CLI or the settings page, goes through {@link #add} and {@link #remove}: the same checks
 * and the same messages.
 */
public final class Users {
  public static final String FILE = "users.tsv";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
  private static final String HEADER = "# segmenta web users: name, role, PBKDF2 password hash (segmenta user add|list|remove)";

  private final Path file;
  private final Passwords passwords;
  private String dummyHash;
  private Map<String, User> users = Map.of();
  private FileTime readAt;
  private long readSize = -1;

  Users(Path file, Passwords passwords) {
    this.file = file;
    this.passwords = passwords;
  }

  /** The users of a data directory (the file need not exist yet). */
  public static Users in(Path dataDir) {
    return new Users(dataDir.resolve(FILE), new Passwords());
  }

  /** The data directory the users file is in (the app keeps its other settings files there too). */
  public Path directory() {
    return file.toAbsolutePath().getParent();
  }

  /** Every user, by name. */
  public synchronized List<User> list() {
    return current().values().stream().sorted(Comparator.comparing(User::name)).toList();
  }

  public synchronized Optional<User> find(String name) {
    return Optional.ofNullable(current().get(name));
  }

  /** The user whose name and password these are; empty for a wrong password or an unknown name alike. */
  public Optional<User> authenticate(String name, char[] password) {
    User u;
    String against;
    synchronized (this) {
      u = current().get(name);
      // Unknown names are checked against a hash of nothing, so a login takes as long whether or not the user exists.
      if (u == null && dummyHash == null) {
        dummyHash = passwords.hash("not a password of anyone".toCharArray());
      }
      against = u == null ? dummyHash : u.passwordHash();
    }
    boolean ok = passwords.verify(password, against);
    return ok && u != null ? Optional.of(u) : Optional.empty();
  }

  /** Adds a user; refuses a taken or malformed name and a short password. */
  public synchronized User add(String name, Role role, char[] password) {
    checkName(name);
    Passwords.checkNew(password);
    Map<String, User> now = new LinkedHashMap<>(current());
    if (now.containsKey(name)) {
      throw new UserException("user '" + name + "' already exists; remove it first to change its role or password");
    }
    User u = new User(name, role, passwords.hash(password));
    now.put(name, u);
    write(now);
    return u;
  }

  /** Removes a user; refuses to remove the last admin while other users remain, so someone can still manage them. */
  public synchronized void remove(String name) {
    Map<String, User> now = new LinkedHashMap<>(current());
    User gone = now.remove(name);
    if (gone == null) {
      throw new UserException("no user named '" + name + "'");
    }
    if (gone.role() == Role.ADMIN && !now.isEmpty() && now.values().stream().noneMatch(u -> u.role() == Role.ADMIN)) {
      throw new UserException("cannot remove '" + name + "': it is the last admin and other users remain");
    }
    write(now);
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new UserException("a user name is 1 to 64 of a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit, got '" + name + "'");
    }
  }

  /** The users as the file holds them now: read again whenever its time or size changed (the CLI may have edited it). */
  private Map<String, User> current() {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (t.equals(readAt) && size == readSize) {
        return users;
      }
      Map<String, User> read = new LinkedHashMap<>();
      int n = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new StoreException(file + " line " + n + ": expected name, role and hash separated by tabs", null);
        }
        read.put(f[0], new User(f[0], Role.parse(f[1]), f[2]));
      }
      users = Collections.unmodifiableMap(read);
      readAt = t;
      readSize = size;
      return users;
    } catch (NoSuchFileException e) {
      users = Map.of();
      readAt = null;
      readSize = -1;
      return users;
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the whole file beside it, owner-only, then moves it into place: a reader sees the old file or the new one. */
  private void write(Map<String, User> all) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (User u : all.values()) {
      lines.add(u.name() + "\t" + u.role().label() + "\t" + u.passwordHash());
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(tmp);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
    readAt = null;
    current();
  }
}
