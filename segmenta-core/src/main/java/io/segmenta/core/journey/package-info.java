/**
 * Journeys (issue 16): triggers (an event, entering or leaving a segment, a date trait's yearly return, a schedule over
 * a segment), steps (waits for a duration, a time of day, a date or a rule with a timeout; branch; random split with a
 * holdout; e-mail; webhook; set traits; exit), a goal and exit rules, re-entry, frequency caps and quiet hours
 * ({@code Journey}, {@code Trigger}, {@code Step}); the checker that names the step of each mistake
 * ({@code JourneyCheck}); the durable log of who is where ({@code JourneyLog}, a role port the store implements); the
 * ports a mail transport and a webhook transport implement ({@code Mailer}, {@code WebhookPoster}); the engine that
 * moves people through the steps and sends each message at most once per idempotency key ({@code JourneyEngine},
 * {@code Sends}, {@code LocalTimes}); and what a journey did, with lift against its holdout ({@code JourneyReport}).
 * The JSON forms and the built-in templates are in {@code core.journey.json}.
 */
package io.segmenta.core.journey;
