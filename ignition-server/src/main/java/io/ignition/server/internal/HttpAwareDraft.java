package io.ignition.server.internal;

import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 as Java-WebSocket implements it, except that a plain HTTP GET (no
 * {@code Upgrade: websocket}) also reaches {@link JwsServer}'s handshake callback, so that the
 * server can answer it in words, such as Engine.IO long-polling requests with a 400 that says to
 * use the websocket transport. Left to itself the library answers every plain request with a fixed
 * {@code 404 WebSocket Upgrade Failure} page before any callback runs.
 *
 * <p>The callback must refuse plain requests (throw); if one slipped through, the library would
 * fail to build the upgrade response and still answer 404. Not thread-safe, like every draft; the
 * library copies it per connection.
 */
final class HttpAwareDraft extends Draft_6455 {
  HttpAwareDraft(int maxFrameBytes) {
    super(List.of(), List.of(new Protocol("")), maxFrameBytes);
  }

  /** Returns whether the request asks to upgrade to WebSocket. */
  static boolean isUpgrade(ClientHandshake request) {
    return "websocket".equalsIgnoreCase(request.getFieldValue("Upgrade").trim());
  }

  @Override
  public HandshakeState acceptHandshakeAsServer(ClientHandshake request)
      throws InvalidHandshakeException {
    HandshakeState state = super.acceptHandshakeAsServer(request);
    return state == HandshakeState.MATCHED || isUpgrade(request) ? state : HandshakeState.MATCHED;
  }

  @Override
  public Draft copyInstance() {
    return new HttpAwareDraft(getMaxFrameSize());
  }
}
