/**
 * Journeys (issue 16): a trigger, steps (wait, branch, random split with a holdout, send an e-mail, exit), a goal and
 * exit rules, a re-entry setting and frequency caps ({@code Journey}, {@code Trigger}, {@code Step}); the checker that
 * names the step of each mistake ({@code JourneyCheck}); the durable log of who is where ({@code JourneyLog}, a role
 * port the store implements); the port a mail transport implements ({@code Mailer}); and the engine that moves people
 * through the steps and sends each e-mail at most once per idempotency key ({@code JourneyEngine}). The JSON form is in
 * {@code core.journey.json}.
 */
package io.segmenta.core.journey;
