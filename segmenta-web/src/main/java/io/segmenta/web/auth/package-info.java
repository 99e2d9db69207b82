/**
 * Who may use the web app: {@link io.segmenta.web.auth.Users} (the users file of the data directory, passwords hashed
 * by {@link io.segmenta.web.auth.Passwords}), {@link io.segmenta.web.auth.Role}s, signed-in
 * {@link io.segmenta.web.auth.Sessions} with their CSRF tokens, and the {@link io.segmenta.web.auth.LoginThrottle}.
 * No HTTP here: the web package turns these into cookies and answers.
 */
package io.segmenta.web.auth;
