package io.segmenta.core.schema;

import static io.segmenta.core.schema.Family.COMPUTED;
import static io.segmenta.core.schema.Family.CONTACT;
import static io.segmenta.core.schema.Family.DEMOGRAPHIC;
import static io.segmenta.core.schema.Family.GEOGRAPHIC;
import static io.segmenta.core.schema.Family.PSYCHOGRAPHIC;
import static io.segmenta.core.schema.Family.SCORE;
import static io.segmenta.core.schema.Family.TECHNOGRAPHIC;
import static io.segmenta.core.schema.ValueType.BOOLEAN;
import static io.segmenta.core.schema.ValueType.DATE;
import static io.segmenta.core.schema.ValueType.NUMBER;
import static io.segmenta.core.schema.ValueType.STRING;
import static io.segmenta.core.schema.ValueType.STRING_LIST;
import static io.segmenta.core.schema.ValueType.TIMESTAMP;

import java.util.List;

/**
 * The traits and events every shop has, so that a marketer can write rules on day one without declaring
 * anything. The five trait families follow the segmentation articles in {@code shared/seeds}; the events are the
 * commerce, web, e-mail and survey events of Segment's e-commerce and tracking specs, kept to what rules use.
 */
final class StandardSchema {
  static final Schema INSTANCE = Schema.of(
      List.of(
          new TraitDef("first_name", STRING, CONTACT, "given name, for personal greetings"),
          new TraitDef("last_name", STRING, CONTACT, "family name"),
          new TraitDef("signup_date", TIMESTAMP, CONTACT, "when the person became a known customer"),
          new TraitDef("age", NUMBER, DEMOGRAPHIC, "age in years"),
          new TraitDef("birth_date", DATE, DEMOGRAPHIC, "date of birth"),
          new TraitDef("gender", STRING, DEMOGRAPHIC, "gender as the person stated it"),
          new TraitDef("income", NUMBER, DEMOGRAPHIC, "yearly household income"),
          new TraitDef("education", STRING, DEMOGRAPHIC, "highest education"),
          new TraitDef("marital_status", STRING, DEMOGRAPHIC, "single, married, ..."),
          new TraitDef("occupation", STRING, DEMOGRAPHIC, "job situation: student, full_time, part_time, retired, ..."),
          new TraitDef("household_size", NUMBER, DEMOGRAPHIC, "people in the household"),
          new TraitDef("has_children", BOOLEAN, DEMOGRAPHIC, "children live in the household"),
          new TraitDef("city", STRING, GEOGRAPHIC, "city"),
          new TraitDef("region", STRING, GEOGRAPHIC, "region or province"),
          new TraitDef("country", STRING, GEOGRAPHIC, "country (ISO 3166 code or name as imported)"),
          new TraitDef("postal_code", STRING, GEOGRAPHIC, "postal code"),
          new TraitDef("interests", STRING_LIST, PSYCHOGRAPHIC, "declared or inferred interests"),
          new TraitDef("values", STRING_LIST, PSYCHOGRAPHIC, "values the person holds, e.g. sustainability"),
          new TraitDef("lifestyle", STRING, PSYCHOGRAPHIC, "lifestyle label"),
          new TraitDef("attitudes", STRING_LIST, PSYCHOGRAPHIC, "attitudes, e.g. from survey answers"),
          new TraitDef("devices", STRING_LIST, TECHNOGRAPHIC, "device kinds used: desktop, mobile, tablet"),
          new TraitDef("os", STRING, TECHNOGRAPHIC, "main operating system"),
          new TraitDef("browser", STRING, TECHNOGRAPHIC, "main browser"),
          new TraitDef("apps", STRING_LIST, TECHNOGRAPHIC, "apps the person uses"),
          // Computed from the profile's own events at the rule's "as of" (definitions in ComputedTraits).
          new TraitDef("orders", NUMBER, COMPUTED, "number of orders"),
          new TraitDef("gross_revenue", NUMBER, COMPUTED, "sum of order revenue"),
          new TraitDef("returned_value", NUMBER, COMPUTED, "value returned or cancelled"),
          new TraitDef("net_revenue", NUMBER, COMPUTED, "gross revenue less returned value"),
          new TraitDef("average_order_value", NUMBER, COMPUTED, "gross revenue per order"),
          new TraitDef("return_rate", NUMBER, COMPUTED, "returned value / gross revenue"),
          new TraitDef("return_rate_items", NUMBER, COMPUTED, "returned items / ordered items"),
          new TraitDef("discount_share", NUMBER, COMPUTED, "share of orders with a discount"),
          new TraitDef("first_order_at", TIMESTAMP, COMPUTED, "time of the first order"),
          new TraitDef("last_order_at", TIMESTAMP, COMPUTED, "time of the last order"),
          new TraitDef("days_since_last_order", NUMBER, COMPUTED, "whole days since the last order"),
          new TraitDef("tenure_days", NUMBER, COMPUTED, "whole days since the first order"),
          new TraitDef("purchase_frequency", NUMBER, COMPUTED, "orders in the last 365 days"),
          new TraitDef("favourite_category", STRING, COMPUTED, "most frequent category of ordered lines"),
          new TraitDef("acquisition_channel", STRING, COMPUTED, "traffic source of the first session"),
          new TraitDef("cohort", STRING, COMPUTED, "month of the first order, yyyy-MM"),
          new TraitDef("last_session_at", TIMESTAMP, COMPUTED, "time of the last session"),
          new TraitDef("days_since_last_session", NUMBER, COMPUTED, "whole days since the last session (a visit)"),
          // Scored against everyone, stored with the instant they were scored at (segmenta rfm, segmenta clv).
          new TraitDef("rfm_recency_score", NUMBER, SCORE, "RFM recency score, 1 (long ago) to 5 (recent)"),
          new TraitDef("rfm_frequency_score", NUMBER, SCORE, "RFM frequency score, 1 to 5"),
          new TraitDef("rfm_monetary_score", NUMBER, SCORE, "RFM monetary score, 1 to 5"),
          new TraitDef("rfm_score", STRING, SCORE, "the three RFM scores, e.g. \"545\""),
          new TraitDef("rfm_group", STRING, SCORE, "named RFM group: Champions, Loyal Customers, ..."),
          new TraitDef("clv_p_alive", NUMBER, SCORE, "BG/NBD probability that the customer is still active"),
          new TraitDef("clv_churn_risk", NUMBER, SCORE, "1 - clv_p_alive"),
          new TraitDef("clv_expected_purchases", NUMBER, SCORE, "expected purchases in the scoring horizon"),
          new TraitDef("clv_expected_value", NUMBER, SCORE, "expected purchases times expected spend (Gamma-Gamma)")),
      List.of(
          new PropertyDef("order_id", STRING, "the order an event belongs to"),
          new PropertyDef("revenue", NUMBER, "order value after line discounts"),
          new PropertyDef("discount", NUMBER, "discount granted, in the order currency"),
          new PropertyDef("currency", STRING, "ISO 4217 currency code"),
          new PropertyDef("items", NUMBER, "number of items (sum of quantities)"),
          new PropertyDef("coupon", STRING, "coupon code used"),
          new PropertyDef("value", NUMBER, "value returned or cancelled, positive"),
          new PropertyDef("reason", STRING, "why something was returned"),
          new PropertyDef("url", STRING, "page address"),
          new PropertyDef("referrer", STRING, "referring address"),
          new PropertyDef("utm_source", STRING, "campaign source"),
          new PropertyDef("utm_medium", STRING, "campaign medium"),
          new PropertyDef("utm_campaign", STRING, "campaign name"),
          new PropertyDef("traffic_source", STRING, "direct, organic, paid, social, email or referral"),
          new PropertyDef("device", STRING, "desktop, mobile or tablet"),
          new PropertyDef("product_id", STRING, "product identifier"),
          new PropertyDef("product_name", STRING, "product name"),
          new PropertyDef("category", STRING, "product category"),
          new PropertyDef("price", NUMBER, "unit price"),
          new PropertyDef("quantity", NUMBER, "quantity"),
          new PropertyDef("unit_price", NUMBER, "unit price on an order line"),
          new PropertyDef("line_total", NUMBER, "quantity times unit price less discount"),
          new PropertyDef("campaign", STRING, "e-mail campaign"),
          new PropertyDef("session_id", STRING, "session identifier"),
          new PropertyDef("duration_seconds", NUMBER, "session length"),
          new PropertyDef("question", STRING, "survey question"),
          new PropertyDef("answer", STRING, "survey answer"),
          new PropertyDef("experiment_id", STRING, "the experiment a unit was exposed to"),
          new PropertyDef("variation_id", STRING, "the variant the unit saw")),
      List.of(
          new EventTypeDef("order", List.of("order_id", "revenue", "discount", "currency", "items", "coupon"), false, "a completed order"),
          new EventTypeDef("order_line", List.of("order_id", "product_id", "product_name", "category", "quantity", "unit_price", "discount", "line_total", "currency"), true, "a line of an order, at the order's time"),
          new EventTypeDef("return", List.of("order_id", "value", "items", "reason", "currency"), false, "a return or cancellation of (part of) an order"),
          new EventTypeDef("page_view", List.of("url", "referrer", "utm_source", "utm_medium", "utm_campaign", "traffic_source", "device", "session_id"), false, "a page view"),
          new EventTypeDef("product_view", List.of("product_id", "category", "price", "device", "session_id"), false, "a product detail view"),
          new EventTypeDef("add_to_cart", List.of("product_id", "category", "price", "quantity", "session_id"), false, "a product added to the cart"),
          new EventTypeDef("session", List.of("session_id", "duration_seconds", "traffic_source", "device", "utm_source", "utm_medium", "utm_campaign"), false, "a visit"),
          new EventTypeDef("email_sent", List.of("campaign"), false, "an e-mail was sent"),
          new EventTypeDef("email_opened", List.of("campaign"), false, "an e-mail was opened"),
          new EventTypeDef("email_clicked", List.of("campaign", "url"), false, "a link in an e-mail was clicked"),
          new EventTypeDef("survey_answer", List.of("question", "answer"), false, "an answer to a survey question"),
          new EventTypeDef("identify", List.of(), false,
              "an identify call whose traits did not all fit the schema: what did not fit is kept in the event's extras"),
          new EventTypeDef("experiment_viewed", List.of("experiment_id", "variation_id", "url", "device", "session_id"), false,
              "an exposure to a variant of an experiment (Segment's Experiment Viewed)"),
          new EventTypeDef("experiment_held_out", List.of("experiment_id", "variation_id", "campaign"), false,
              "a person held out of an experiment by a campaign shown in its place (campaign), with the variant they would have seen")));

  private StandardSchema() {}
}
