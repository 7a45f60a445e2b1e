package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker verticle: scores rows with stored models ({@link MlContract#PREDICT}). Each model is read from the lake once
 * and kept in a cache shared by every instance of this process ({@code ml.model_cache_size}).
 */
public final class PredictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PredictVerticle.class);
  private static final Object LOCK = new Object();
  private static Scorers shared;

  private Scorers scorers;

  @Override
  public Future<?> start() {
    synchronized (LOCK) {
      if (shared == null) {
        shared = new Scorers(config().getInteger("model_cache_size", 32));
      }
      scorers = shared;
    }
    vertx.eventBus().<JsonObject>consumer(MlContract.PREDICT, this::predict);
    return Future.succeededFuture();
  }

  private void predict(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    try {
      Scorers.Loaded model = scorers.get(body.getString("file"), body.getString("kind"), body.getJsonObject("schema"));
      msg.reply(new JsonObject().put("predictions", Scorers.score(model, body.getJsonArray("rows"))));
    } catch (ApiException e) {
      msg.reply(e.toReply());
    } catch (RuntimeException e) {
      LOG.error("Prediction with {} failed", body.getString("file"), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "prediction failed");
    }
  }
}
