package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The reply of {@code POST /api/v1/ml/predict} written straight to text on the predict thread, without building and
 * then encoding a tree per row: {@code {model_id, version, prediction, confidence?, probabilities?}} for one row,
 * {@code {model_id, version, predictions:[{prediction, confidence?, probabilities?}]}} for several; numbers and
 * strings as Jackson writes them. Classification predicts the likeliest class, typed like the target column, with
 * its probability as the confidence and every class's probability.
 */
final class PredictionJson {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PredictionJson() {
  }

  /** Scores the request's rows with {@code model} (400 naming a bad feature) and writes the reply. */
  static Buffer reply(Scorers.Loaded model, PredictBatches.Request request) {
    int rows = request.rows().size();
    float[] x = new float[rows * model.schema().width()];
    encode(model.schema(), request, x, 0);
    return write(model.schema(), request, model.scorer().predict(x, rows, model.schema().width()), 0);
  }

  /** Encodes the request's rows into {@code x} from row {@code at} on; 400 naming a bad feature or row. */
  static void encode(FeatureSchema schema, PredictBatches.Request request, float[] x, int at) {
    JsonArray rows = request.rows();
    int width = schema.width();
    for (int i = 0; i < rows.size(); i++) {
      if (!(rows.getValue(i) instanceof JsonObject features)) {
        throw new ApiException(ErrorCode.VALIDATION_FAILED, "rows[" + i + "] must be an object of features");
      }
      schema.encode(features, x, (at + i) * width);
    }
  }

  /** The reply of {@code request}, whose rows' outputs are {@code out[from]} on. */
  static Buffer write(FeatureSchema schema, PredictBatches.Request request, float[][] out, int from) {
    int rows = request.rows().size();
    // room for the usual reply (a float printed as a double takes up to ~20 characters), so the builder seldom grows
    int perRow = schema.classification() ? 64 + 32 * schema.classes().size() : 32;
    StringBuilder sb = new StringBuilder(64 + rows * perRow);
    sb.append("{\"model_id\":");
    string(sb, request.modelId());
    sb.append(",\"version\":").append(request.version());
    if (request.single()) {
      sb.append(',');
      fields(sb, schema, out[from]);
    } else {
      sb.append(",\"predictions\":[");
      for (int i = 0; i < rows; i++) {
        sb.append(i == 0 ? "{" : ",{");
        fields(sb, schema, out[from + i]);
        sb.append('}');
      }
      sb.append(']');
    }
    return Buffer.buffer(sb.append('}').toString());
  }

  /** {@code "prediction":..,"confidence":..,"probabilities":{..}} of one row, . */
  private static void fields(StringBuilder sb, FeatureSchema schema, float[] out) {
    sb.append("\"prediction\":");
    if (!schema.classification()) {
      number(sb, out[0]);
      return;
    }
    int best = ModelMetrics.argmax(out);
    value(sb, schema.label(best));
    sb.append(",\"confidence\":");
    number(sb, out[best]);
    sb.append(",\"probabilities\":{");
    for (int c = 0; c < out.length; c++) {
      if (c > 0) {
        sb.append(',');
      }
      string(sb, schema.classes().get(c));
      sb.append(':');
      number(sb, out[c]);
    }
    sb.append('}');
  }

  private static void value(StringBuilder sb, Object label) {
    if (label instanceof String s) {
      string(sb, s);
    } else if (label instanceof Double d) {
      number(sb, d);
    } else {
      sb.append(label); // Long or Boolean
    }
  }

  /** A number as Jackson writes a double: its shortest text, or a quoted name when it is not finite. */
  static void number(StringBuilder sb, double d) {
    if (Double.isFinite(d)) {
      sb.append(d);
    } else {
      sb.append('"').append(d).append('"');
    }
  }

  /** A JSON string as Jackson escapes it by default (quote, backslash and control characters). */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
