package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker verticle: scores rows with stored models ({@link MlContract#PREDICT}), the requests of a batch one by one. Each model is read from the lake once
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
    vertx.eventBus().<MlContract.PredictBatch>consumer(MlContract.PREDICT, this::predict);
    return Future.succeededFuture();
  }

  private void predict(Message<MlContract.PredictBatch> msg) {
    List<MlContract.PredictRequest> requests = msg.body().requests();
    List<MlContract.Outcome> outcomes = new ArrayList<>(requests.size());
    for (MlContract.PredictRequest request : requests) {
      outcomes.add(predict(request));
    }
    msg.reply(new MlContract.Outcomes(outcomes));
  }

  private MlContract.Outcome predict(MlContract.PredictRequest request) {
    try {
      Scorers.Loaded model = scorers.get(lake, request.path(), request.kind(), request.schema());
      return new MlContract.Outcome(Scorers.score(model, request.rows()), null);
    } catch (ApiException e) {
      return new MlContract.Outcome(null, e.toReply());
    } catch (RuntimeException e) {
      LOG.error("Prediction with {} failed", request.path(), e);
      return new MlContract.Outcome(null, new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
        ErrorCode.INTERNAL_ERROR.busCode(), "prediction failed"));
    }
  }
}
