package io.tributary.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal-rank fusion: an item's score is the sum over the rankings that hold it of {@code 1 / (K + rank)}
 * (rank from 1). Items keep their fields and say their rank in each list ({@code keyword_rank},
 * {@code semantic_rank}).
 */
final class Fusion {

  /** The fusion constant of Cormack et al. */
  static final int K = 60;

  private Fusion() {
  }

  static JsonArray fuse(JsonArray keyword, JsonArray semantic, int limit) {
    Map<String, JsonObject> fused = new LinkedHashMap<>();
    add(fused, keyword, "keyword_rank");
    add(fused, semantic, "semantic_rank");
    List<JsonObject> items = new ArrayList<>(fused.values());
    items.forEach(item -> item.put("score", Math.round(score(item) * 1e6) / 1e6));
    items.sort((a, b) -> {
      int byScore = Double.compare(score(b), score(a));
      return byScore != 0 ? byScore : a.getString("name").compareTo(b.getString("name"));
    });
    JsonArray out = new JsonArray();
    items.stream().limit(limit).forEach(out::add);
    return out;
  }

  private static void add(Map<String, JsonObject> fused, JsonArray ranking, String field) {
    for (int i = 0; i < ranking.size(); i++) {
      JsonObject item = ranking.getJsonObject(i);
      JsonObject into = fused.computeIfAbsent(key(item), k -> item.copy().put("matched_by", new JsonArray()));
      into.put(field, i + 1);
      if (item.containsKey("similarity")) {
        into.put("similarity", item.getValue("similarity"));
      }
      into.getJsonArray("matched_by").add(field.substring(0, field.indexOf('_')));
    }
  }

  private static double score(JsonObject item) {
    double s = 0;
    for (String field : new String[] {"keyword_rank", "semantic_rank"}) {
      Integer rank = item.getInteger(field);
      if (rank != null) {
        s += 1.0 / (K + rank);
      }
    }
    return s;
  }

  /** One search document: a column by its dataset and position, anything else by its id. */
  private static String key(JsonObject item) {
    return item.getString("type") + "/" + item.getString("id", item.getString("dataset_id") + "/" + item.getValue("position"));
  }
}
