package io.segmenta.web.auth;

/** A user of the web app: a name, a role and the password's hash ({@link Passwords}' format). */
public record User(String name, Role role, String passwordHash) {
  @Override
  public String toString() {
    return "User[" + name + ", " + role.label() + "]";
  }
}
