package io.segmenta.core.ingest.segment;

import static io.segmenta.core.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates messages of Segment's tracking spec (identify, track, page, screen, group, alias; the HTTP Tracking API
 * and every Segment client library speak it) into Segmenta's profiles and events, checking every field first. Each
 * problem names the message (its index in a batch) and the field. Every field a client sends is stored as a typed
 * trait or property, kept in the event's extras, or refused with a problem naming it; nothing is dropped silently
 * (docs/api.md, "What is accepted"):
 * <ul>
 *   <li>the e-commerce spec's events become Segmenta's types ({@code Order Completed} → order with its products as
 *       lines, {@code Order Refunded} / {@code Order Cancelled} → return, {@code Product Viewed} → product_view,
 *       {@code Product Added} → add_to_cart, {@code Experiment Viewed} → experiment_viewed, e-mail events →
 *       email_*); any other name becomes a custom event type ({@code Signed Up} → signed_up); the {@code products}
 *       of any other event are kept in its extras;</li>
 *   <li>pages become page_view with every property (url, referrer, name, category, title, path, search, custom
 *       ones), the UTM campaign, a traffic source and the device; screens become screen_view with their
 *       properties; group calls a group event with the group's traits;</li>
 *   <li>names map to safe internal names by the rule of {@link io.segmenta.core.schema.Names}; traits and
 *       properties the schema does not know are declared, typed by their JSON value, within the policy's limits
 *       (nested objects are flattened with '_' for three levels: {@code address.city} → {@code address_city}; deeper
 *       objects and arrays a type cannot hold are kept in extras);</li>
 *   <li>a value that contradicts a declared type: under the lenient policy (the default) kept in extras and
 *       reported as a {@link Violation}; under the strict one a problem;</li>
 *   <li>instants (timestamp, sentAt, originalTimestamp, date and timestamp values) must lie in
 *       {@link io.segmenta.core.value.Instants}' range; a date alone ({@code 2025-06-01}) is midnight UTC;</li>
 *   <li>identify with a userId and an anonymousId links the two (the visitor's past and future anonymous events
 *       become the customer's); alias links previousId to userId the same way; identify with only an anonymousId
 *       keeps the traits on a profile whose id is the anonymous id, merged into the customer once linked;</li>
 *   <li>an event's id is its messageId, so a client's retry stores nothing twice; without one, a hash of the
 *       message's content;</li>
 *   <li>a device's clock skew is corrected as Segment does: timestamp (or originalTimestamp) + (received at − sentAt);</li>
 *   <li>{@code context.ip} and {@code context.library} are not stored: an IP address is personal data Segmenta
 *       does not need, and the library is the client's business; the rest of the context is kept in extras.</li>
 * </ul>
 */
public final class SegmentSpec {
  /** The call types of the spec, as the {@code type} field and the endpoint names write them. */
  public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

  private SegmentSpec() {}

  /** A problem with one field of one message ({@code index} -1 for a single call). */
  public record Problem(int index, String field, String message) {
    @Override
    public String toString() {
      return (index >= 0 ? "batch[" + index + "]." : "") + field + ": " + message;
    }
  }

  /**
   * What a set of messages becomes: declarations to make first, then profiles and events to write atomically, and
   * the fields kept in extras because they did not fit the schema (lenient policy; to be counted per source).
   */
  public record Translation(List<TraitDef> newTraits, Map<String, PropertyDef> newProperties, Map<String, Set<String>> newPropertyTypes,
      List<Profile> profiles, List<Event> events, Map<String, List<ConsentRecord>> consents, List<Problem> problems,
      List<Violation> violations) {
    public Translation {
      violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * How a source's messages are judged. {@code strict}: a value that clashes with its declared type refuses the
   * message (400), as Segmenta always did; lenient (the default): what fits is stored, the rest is kept in the
   * event's extras and counted as a violation. The limits bound how fast a client can grow the schema: new names
   * (traits, properties) per request, properties per event type, properties and traits in total; beyond them a
   * message is refused with a 400 naming the field.
   */
  public record Policy(boolean strict, int newNamesPerRequest, int propertiesPerEventType, int totalProperties, int totalTraits) {
    /** The default: lenient, at most 50 new names a request, 200 properties an event type, 1,000 properties, 500 traits. */
    public static final Policy LENIENT = new Policy(false, 50, 200, 1000, 500);
    /** The default limits, refusing values that clash with their declared type. */
    public static final Policy STRICT = LENIENT.withStrict(true);

    public Policy {
      checkArgument(newNamesPerRequest >= 0 && propertiesPerEventType >= 0 && totalProperties >= 0 && totalTraits >= 0,
          "schema growth limits must be >= 0, got %s/%s/%s/%s", newNamesPerRequest, propertiesPerEventType, totalProperties, totalTraits);
    }

    public Policy withStrict(boolean s) {
      return new Policy(s, newNamesPerRequest, propertiesPerEventType, totalProperties, totalTraits);
    }
  }

  /**
   * Translates messages strictly (a value that clashes with its declared type is a problem), as Segmenta always
   * did: see {@link #translate(List, String, boolean, Schema, Instant, Policy)}.
   */
  public static Translation translate(List<JsonNode> messages, String type, boolean batch, Schema schema, Instant receivedAt) {
    return translate(messages, type, batch, schema, receivedAt, Policy.STRICT);
  }

  /**
   * Translates messages; {@code type} is the endpoint's call type, or null for a batch (each message names its
   * own). {@code receivedAt} stands in for a missing timestamp. Never throws on what a client sent: every refusal
   * is a {@link Problem} naming the field.
   */
  public static Translation translate(List<JsonNode> messages, String type, boolean batch, Schema schema, Instant receivedAt, Policy policy) {
    Messages b = new Messages(schema, receivedAt, policy);
    for (int i = 0; i < messages.size(); i++) {
      b.message(batch ? i : -1, messages.get(i), type);
    }
    return new Translation(List.copyOf(b.growth.newTraits.values()), Map.copyOf(b.growth.newProperties), Map.copyOf(b.growth.newPropertyTypes),
        List.copyOf(b.profiles.values()), List.copyOf(b.events), Map.copyOf(b.consents), List.copyOf(b.problems),
        List.copyOf(b.violations));
  }
}
