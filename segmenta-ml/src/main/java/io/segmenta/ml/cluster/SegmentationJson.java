package io.segmenta.ml.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A proposed segmentation as JSON, for the CLI's {@code --format json} and the admin API alike. */
public final class SegmentationJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SegmentationJson() {}

  public static ObjectNode toJson(Segmentation.Result r, List<String> saved) {
    ObjectNode m = F.objectNode();
    r.features().forEach(m.putArray("features")::add);
    r.logged().forEach(m.putArray("logged")::add);
    m.put("customers", r.customers());
    ArrayNode cands = m.putArray("candidates");
    for (Segmentation.Candidate c : r.candidates()) {
      ObjectNode x = cands.addObject().put("k", c.k()).put("inertia", c.inertia());
      num(x, "silhouette", c.silhouette());
      num(x, "calinski_harabasz", c.calinskiHarabasz());
      num(x, "bic", c.bic());
    }
    m.put("k", r.k());
    m.put("fidelity", r.fidelity());
    if (r.note() != null) {
      m.put("note", r.note());
    }
    m.put("seed", r.clustering().seed());
    ArrayNode cl = m.putArray("clusters");
    for (Segmentation.Profile p : r.clusters()) {
      ObjectNode x = cl.addObject().put("cluster", p.cluster() + 1).put("size", p.size()).put("name", p.name());
      ObjectNode means = x.putObject("means");
      for (int j = 0; j < r.features().size(); j++) {
        num(means, r.features().get(j), p.means()[j]);
      }
      p.distinguishing().forEach(x.putArray("distinguishing")::add);
      if (p.explanation().rule() == null) {
        x.putNull("rule");
      } else {
        x.put("rule", p.explanation().rule());
      }
      num(x, "precision", p.explanation().precision());
      num(x, "recall", p.explanation().recall());
    }
    saved.forEach(m.putArray("saved")::add);
    return m;
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
    }
  }
}
