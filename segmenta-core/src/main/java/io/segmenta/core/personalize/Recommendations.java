package io.segmenta.core.personalize;

import java.util.List;

/**
 * Where product recommendations come from, for decisions and e-mails: implemented by the recommender of
 * {@code segmenta-ml}. A profile id of null asks for an anonymous visitor, who has only the session.
 */
@FunctionalInterface
public interface Recommendations {

  /** One recommended product and why (e.g. "bought together with 22423", "popular in golf"). */
  record Item(String productId, double score, String reason) {}

  List<Item> recommend(String profileId, List<Click> session, int n);

  Recommendations NONE = (profileId, session, n) -> List.of();
}
