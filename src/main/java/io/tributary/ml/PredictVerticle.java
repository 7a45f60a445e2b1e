package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Worker verticle: scores rows with stored models ({@link MlContract#PREDICT}). Each model is read from the lake once
 * (fetched from the bucket when it was trained on another node) and kept in a cache shared by every instance of this
 * process and by batch scoring ({@code ml.model_cache_size}).
 */
public final class PredictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PredictVerticle.class);

  private Scorers scorers;
  private Lake lake;

  @Override
  public Future<?> start() {
    scorers = Scorers.shared(config().getInteger("model_cache_size", 32));
    lake = Lake.of(vertx, Path.of(config().getJsonObject(Sections.NODE).getString("data_dir")));
    MlContract.registerCodecs(vertx.eventBus());
    vertx.eventBus().<MlContract.PredictRequest>consumer(MlContract.PREDICT, this::predict);
    return Future.succeededFuture();
  }

  private void predict(Message<MlContract.PredictRequest> msg) {
    MlContract.PredictRequest body = msg.body();
    try {
      Scorers.Loaded model = scorers.get(lake, body.path(), body.kind(), body.schema());
      msg.reply(new MlContract.Predictions(Scorers.score(model, body.rows())));
    } catch (ApiException e) {
      msg.reply(e.toReply());
    } catch (RuntimeException e) {
      LOG.error("Prediction with {} failed", body.path(), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "prediction failed");
    }
  }
}
