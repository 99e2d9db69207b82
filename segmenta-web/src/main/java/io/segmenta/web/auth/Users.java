package io.segmenta.web.auth;

import io.segmenta.core.UserException;
import io.segmenta.server.SecretFile;
import java.nio.file.Path;
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

  private final SecretFile<User> file;
  private final Passwords passwords;
  private String dummyHash;

  Users(Path file, Passwords passwords) {
    this.file = new SecretFile<>(file, HEADER, new SecretFile.Format<>() {
      @Override
      public int fields() {
        return 3;
      }

      @Override
      public String expected() {
        return "name, role and hash";
      }

      @Override
      public User parse(String[] f) {
        return new User(f[0], Role.parse(f[1]), f[2]);
      }

      @Override
      public List<String> format(User u) {
        return List.of(u.name(), u.role().label(), u.passwordHash());
      }
    }, User::name);
    this.passwords = passwords;
  }

  /** The users of a data directory (the file need not exist yet). */
  public static Users in(Path dataDir) {
    return new Users(dataDir.resolve(FILE), new Passwords());
  }

  /** The data directory the users file is in (the app keeps its other settings files there too). */
  public Path directory() {
    return file.file().toAbsolutePath().getParent();
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

  /** The users as the file holds them now (read again whenever the CLI changed it). */
  private Map<String, User> current() {
    return file.rows();
  }

  private void write(Map<String, User> all) {
    file.write(all.values());
  }
}
