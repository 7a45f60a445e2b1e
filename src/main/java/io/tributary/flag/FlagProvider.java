package io.tributary.flag;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * Tributary's flags behind the OpenFeature API: the targeting key is the user id, the context attribute
 * {@code tier} the user's tier. A boolean evaluation is the flag's decision; other types return the flag's
 * {@code variants.on} or {@code variants.off} value (the default when absent). An unknown flag gives the default
 * with {@code FLAG_NOT_FOUND}.
 */
public final class FlagProvider implements FeatureProvider {

  /** The provider name OpenFeature reports. */
  public static final String NAME = "tributary";

  private final FlagStore store;

  public FlagProvider(FlagStore store) {
    this.store = store;
  }

  @Override
  public Metadata getMetadata() {
    return () -> NAME;
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    Flag flag = store.get(key);
    if (flag == null) {
      return missing(key, defaultValue);
    }
    FlagRules.Decision d = FlagRules.decide(flag, ctx.getTargetingKey(), tier(ctx));
    return ProviderEvaluation.<Boolean>builder().value(d.on).variant(d.on ? "on" : "off").reason(reason(d).name())
      .build();
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, v -> v instanceof String s ? s : null);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, v -> v instanceof Number n ? n.intValue() : null);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, v -> v instanceof Number n ? n.doubleValue() : null);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, v -> v == null ? null : Value.objectToValue(
      v instanceof JsonObject o ? o.getMap() : v instanceof io.vertx.core.json.JsonArray a ? a.getList() : v));
  }

  private <T> ProviderEvaluation<T> variant(String key, T defaultValue, EvaluationContext ctx, Function<Object, T> cast) {
    Flag flag = store.get(key);
    if (flag == null) {
      return missing(key, defaultValue);
    }
    FlagRules.Decision d = FlagRules.decide(flag, ctx.getTargetingKey(), tier(ctx));
    String variant = d.on ? "on" : "off";
    T value = flag.variants() == null ? null : cast.apply(flag.variants().getValue(variant));
    if (value == null) {
      return ProviderEvaluation.<T>builder().value(defaultValue).variant(variant).reason(Reason.DEFAULT.name()).build();
    }
    return ProviderEvaluation.<T>builder().value(value).variant(variant).reason(reason(d).name()).build();
  }

  private static <T> ProviderEvaluation<T> missing(String key, T defaultValue) {
    return ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR.name())
      .errorCode(ErrorCode.FLAG_NOT_FOUND).errorMessage("No flag '" + key + "'").build();
  }

  private static Reason reason(FlagRules.Decision d) {
    return switch (d) {
      case KILLED -> Reason.DISABLED;
      case DENIED, ALLOWED, WRONG_TIER -> Reason.TARGETING_MATCH;
      case ROLLED_OUT, NOT_ROLLED_OUT -> Reason.SPLIT;
    };
  }

  private static String tier(EvaluationContext ctx) {
    Value tier = ctx.getValue("tier");
    return tier == null || !tier.isString() ? null : tier.asString();
  }
}
