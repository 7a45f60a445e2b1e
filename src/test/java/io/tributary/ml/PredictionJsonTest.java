package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A predict reply written as text")
class PredictionJsonTest {

  /** The reply as the JSON tree it replaces would encode it: {model_id, version} and each row's fields. */
  static JsonObject tree(FeatureSchema schema, float[][] out, boolean single) {
    JsonArray rows = new JsonArray();
    for (float[] o : out) {
      if (!schema.classification()) {
        rows.add(new JsonObject().put("prediction", (double) o[0]));
        continue;
      }
      int best = ModelMetrics.argmax(o);
      JsonObject probabilities = new JsonObject();
      for (int c = 0; c < o.length; c++) {
        probabilities.put(schema.classes().get(c), (double) o[c]);
      }
      rows.add(new JsonObject().put("prediction", schema.label(best)).put("confidence", (double) o[best])
        .put("probabilities", probabilities));
    }
    JsonObject reply = new JsonObject().put("model_id", "m-1").put("version", 3);
    return single ? reply.mergeIn(rows.getJsonObject(0)) : reply.put("predictions", rows);
  }

  @Test
  @DisplayName("is exactly the JSON the tree encoded to, for text, integer and boolean labels and regression")
  void sameAsTree() {
    TrainingData data = LinearBaselineTest.twoClasses(2_000, 3, 11);
    LinearBaseline model = LinearBaseline.train(data, Stop.never());
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 5; i++) {
      rows.add(new JsonObject().put("f0", i - 2.5).put("f1", i * 0.7).put("f2", i == 3 ? null : 1.0 / (i + 1)));
    }
    List<FeatureSchema> schemas = List.of(
      schema(FeatureSchema.STRING, true, List.of("say \"no\"\n\t\u0001", "ja\\ä €")),
      schema(FeatureSchema.INTEGER, true, List.of("0", "1")),
      schema(FeatureSchema.BOOLEAN, true, List.of("false", "true")),
      schema(FeatureSchema.NUMBER, false, List.of()));
    for (FeatureSchema schema : schemas) {
      Scorers.Loaded loaded = new Scorers.Loaded(schema, model);
      float[] x = new float[rows.size() * 3];
      for (int i = 0; i < rows.size(); i++) {
        schema.encode(rows.getJsonObject(i), x, i * 3);
      }
      float[][] out = model.predict(x, rows.size(), 3);
      String many = PredictionJson.reply(loaded, new PredictBatches.Request("p", "logistic", null, rows, false, "m-1", 3))
        .toString();
      String one = PredictionJson.reply(loaded, new PredictBatches.Request("p", "logistic", null,
        new JsonArray().add(rows.getJsonObject(1)), true, "m-1", 3)).toString();
      assertThat(many).isEqualTo(tree(schema, out, false).encode());
      assertThat(one).isEqualTo(tree(schema, new float[][] {out[1]}, true).encode());
      assertThat(new JsonObject(many)).isEqualTo(tree(schema, out, false));
    }
  }

  private static FeatureSchema schema(String targetType, boolean classification, List<String> classes) {
    List<Feature> features = List.of(new Feature("f0", Feature.Kind.NUMERIC, List.of()),
      new Feature("f1", Feature.Kind.NUMERIC, List.of()), new Feature("f2", Feature.Kind.NUMERIC, List.of()));
    return new FeatureSchema(features, "label", targetType, classification, classes);
  }
}
