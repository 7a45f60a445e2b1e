package io.tributary.fanout;

import java.nio.charset.StandardCharsets;

/**
 * One socket message as a complete WebSocket text frame (RFC 6455 section 5.2, as a server sends it: final, opcode
 * 1, unmasked), encoded once and then written as is to every socket that receives it: no per-socket encoding or
 * copy. Messages above {@link #MAX_PAYLOAD} (clients refuse larger frames by default) are sent by Vert.x instead,
 * split into continuation frames.
 */
record TextFrame(byte[] wire, int payloadAt) {

  /** The largest payload sent as one frame (the default frame limit of Vert.x and browser clients is 64 KiB). */
  static final int MAX_PAYLOAD = 65_536;

  /** The frame of the UTF-8 JSON in {@code json[0, length)}. */
  static TextFrame of(byte[] json, int length) {
    int head = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] wire = new byte[head + length];
    wire[0] = (byte) 0x81; // FIN, text
    if (head == 2) {
      wire[1] = (byte) length;
    } else if (head == 4) {
      wire[1] = 126;
      wire[2] = (byte) (length >>> 8);
      wire[3] = (byte) length;
    } else {
      wire[1] = 127;
      for (int i = 0; i < 8; i++) {
        wire[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    System.arraycopy(json, 0, wire, head, length);
    return new TextFrame(wire, head);
  }

  static TextFrame of(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return of(bytes, bytes.length);
  }

  int payloadLength() {
    return wire.length - payloadAt;
  }

  /** The message as text (for the rare message sent by Vert.x in continuation frames). */
  String text() {
    return new String(wire, payloadAt, payloadLength(), StandardCharsets.UTF_8);
  }
}
