package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;

/** What a caller may do with a collection they can see: its owner everything, an editor change members, a viewer read. */
enum Access {
  VIEWER, EDITOR, OWNER;

  static Access of(String role) {
    return switch (role) {
      case "owner" -> OWNER;
      case "editor" -> EDITOR;
      default -> VIEWER;
    };
  }

  String role() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Fails with 403 (the caller sees the collection, so its existence is no secret) unless at least {@code need}. */
  void require(Access need, String what) {
    if (compareTo(need) < 0) {
      throw new ApiException(ErrorCode.FORBIDDEN, "Only " + (need == OWNER ? "the owner" : "the owner or an editor")
        + " of this collection may " + what + "; you are a " + role());
    }
  }
}
