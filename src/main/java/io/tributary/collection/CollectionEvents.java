package io.tributary.collection;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit events of a collection ({@code resource_type = collection}) are its event log: each carries the version
 * it produced and what changed, so {@link #replay} rebuilds the collection's state from them alone.
 */
public final class CollectionEvents {

  public static final String RESOURCE = "collection";
  public static final String CREATED = "collection.created";
  public static final String UPDATED = "collection.updated";
  public static final String ITEM_ADDED = "collection.item_added";
  public static final String ITEM_REMOVED = "collection.item_removed";
  public static final String SHARE_GRANTED = "share.granted";
  public static final String SHARE_REVOKED = "share.revoked";
  public static final String CLEARED = "collection.cleared";
  public static final String DELETED = "collection.deleted";
  /** Fields a PATCH may change. */
  static final List<String> FIELDS = List.of("name", "description", "tags");

  private CollectionEvents() {
  }

  /**
   * The state after these events (oldest first, as {@code GET .../history} lists them):
   * {@code {name, description, tags, version, deleted, items:[{type, id}], shares:[{user_id, role}]}}, items and
   * shares sorted, comparable with {@link #state} of the stored collection.
   */
  public static JsonObject replay(List<JsonObject> events) {
    JsonObject state = new JsonObject();
    Map<String, JsonObject> items = new TreeMap<>();
    Map<String, String> shares = new TreeMap<>();
    boolean deleted = false;
    for (JsonObject e : events) {
      JsonObject after = e.getJsonObject("after", new JsonObject());
      switch (e.getString("action")) {
        case CREATED -> FIELDS.forEach(f -> state.put(f, after.getValue(f)));
        case UPDATED -> FIELDS.stream().filter(after::containsKey).forEach(f -> state.put(f, after.getValue(f)));
        case ITEM_ADDED -> items.put(after.getString("type") + "/" + after.getString("id"), item(after));
        case ITEM_REMOVED -> items.remove(after.getString("type") + "/" + after.getString("id"));
        case SHARE_GRANTED -> shares.put(after.getString("user_id"), after.getString("role"));
        case SHARE_REVOKED -> shares.remove(after.getString("user_id"));
        case DELETED -> deleted = true;
        default -> { }
      }
      if (after.getInteger("version") != null) {
        state.put("version", after.getInteger("version"));
      }
    }
    return state(state, items.values(), shares, deleted);
  }

  /** The comparable state of a stored collection ({@code GET /api/v1/collections/{id}} as the owner sees it). */
  public static JsonObject state(JsonObject collection) {
    Map<String, JsonObject> items = new TreeMap<>();
    collection.getJsonArray("members", new JsonArray()).forEach(o -> {
      JsonObject m = (JsonObject) o;
      items.put(m.getString("type") + "/" + m.getString("id"), item(m));
    });
    Map<String, String> shares = new TreeMap<>();
    collection.getJsonArray("shares", new JsonArray()).forEach(o -> {
      JsonObject s = (JsonObject) o;
      shares.put(s.getString("user_id"), s.getString("role"));
    });
    JsonObject fields = new JsonObject();
    FIELDS.forEach(f -> fields.put(f, collection.getValue(f)));
    fields.put("version", collection.getInteger("version"));
    return state(fields, items.values(), shares, false);
  }

  private static JsonObject item(JsonObject o) {
    return new JsonObject().put("type", o.getString("type")).put("id", o.getString("id"));
  }

  private static JsonObject state(JsonObject fields, java.util.Collection<JsonObject> items, Map<String, String> shares,
                                  boolean deleted) {
    JsonArray shareList = new JsonArray();
    shares.forEach((user, role) -> shareList.add(new JsonObject().put("user_id", user).put("role", role)));
    JsonArray itemList = new JsonArray();
    items.stream().sorted(Comparator.comparing(i -> i.getString("type") + "/" + i.getString("id"))).forEach(itemList::add);
    return fields.copy().put("tags", fields.getValue("tags") == null ? new JsonArray() : fields.getValue("tags"))
      .put("items", itemList).put("shares", shareList).put("deleted", deleted);
  }
}
