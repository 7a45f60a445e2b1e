package io.tributary.query;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/** The verdict on a query text: valid or not, the errors ({message, position?}) and the datasets it reads. */
public record Validation(boolean valid, List<JsonObject> errors, Set<String> tablesRead) {
}
