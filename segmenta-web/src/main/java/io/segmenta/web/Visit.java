package io.segmenta.web;

import io.javalin.http.Context;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.store.Store;
import io.segmenta.web.auth.Sessions;
import io.segmenta.web.auth.User;
import io.segmenta.web.auth.Users;
import java.time.Instant;

/** One request of a signed-in user: the store, the app's users, the instant pages read it at, the user and the session, the HTTP exchange, the services of the app, and what must hear of an erasure. */
record Visit(Store store, Users users, Instant asOf, User user, Sessions.Session session, Context ctx, Services services,
    Erasures.Holder erased) {}
