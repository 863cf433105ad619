package io.ignition.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A blocking WebSocket client that writes and reads raw frames, for what well-behaved clients never
 * send: fragments, pings between fragments, unmasked frames, invalid UTF-8. It checks what the
 * server sends as a strict client would: every frame unmasked, every text payload and close
 * reason valid UTF-8. Not thread-safe.
 */
final class RawWsClient implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CONTINUATION = 0x0;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final String upgradeResponse;

  private RawWsClient(Socket socket, String upgradeResponse) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.upgradeResponse = upgradeResponse;
  }

  /** Connects to {@code target} (such as {@code /v1?key=k}) and fails unless it is upgraded. */
  static RawWsClient connect(int port, String target) throws IOException {
    RawWsClient client = open(port, target, null, 0);
    if (!client.upgraded()) {
      client.close();
      throw new AssertionError("upgrade refused: " + client.upgradeResponse());
    }
    return client;
  }

  /**
   * Connects from {@code localAddress} (any when null), with a receive buffer of
   * {@code receiveBufferBytes} (the system's when 0), and sends the upgrade request; whether it
   * was upgraded is {@link #upgraded()}.
   */
  static RawWsClient open(int port, String target, @Nullable InetAddress localAddress,
      int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return new RawWsClient(socket, readResponseHead(socket.getInputStream()));
  }

  private static String readResponseHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Returns whether the server answered 101. */
  boolean upgraded() {
    return upgradeResponse.startsWith("HTTP/1.1 101");
  }

  /** Returns the response head, and for a refusal the body as far as it was sent. */
  String upgradeResponse() throws IOException {
    if (upgraded()) {
      return upgradeResponse;
    }
    return upgradeResponse + new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Sends one masked frame. */
  void send(boolean fin, int opcode, byte[] payload) throws IOException {
    send(fin, opcode, payload, true);
  }

  /** Sends one final masked text frame. */
  void sendText(String text) throws IOException {
    send(true, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Sends one frame, masked or not. */
  void send(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
    out.write(frame(fin, opcode, payload, masked));
    out.flush();
  }

  /** Sends bytes as they are, such as several frames in one write. */
  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Returns the bytes of one frame. */
  static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
    ByteBuffer frame = ByteBuffer.allocate(header + (masked ? 4 : 0) + length);
    frame.put((byte) ((fin ? 0x80 : 0) | opcode));
    int maskBit = masked ? 0x80 : 0;
    if (header == 2) {
      frame.put((byte) (maskBit | length));
    } else if (header == 4) {
      frame.put((byte) (maskBit | 126)).putShort((short) length);
    } else {
      frame.put((byte) (maskBit | 127)).putLong(length);
    }
    byte[] mask = new byte[4];
    if (masked) {
      ThreadLocalRandom.current().nextBytes(mask);
      frame.put(mask);
    }
    for (int i = 0; i < length; i++) {
      frame.put((byte) (payload[i] ^ mask[i & 3]));
    }
    return frame.array();
  }

  /** A frame the server sent. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, 1005 when it has none. */
    int closeCode() {
      return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
    }

    /** The reason of a close frame. */
    String closeReason() {
      return payload.length > 2
          ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
  }

  /**
   * Reads the next frame, failing on a masked frame or on invalid UTF-8 in a text frame or a close
   * reason.
   *
   * @throws EOFException when the server ended the connection
   * @throws SocketTimeoutException when nothing arrives within 10 s
   */
  Frame next() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    if ((second & 0x80) != 0) {
      throw new AssertionError("the server sent a masked frame");
    }
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    Frame frame = new Frame((first & 0x80) != 0, first & 0x0f, payload);
    if (frame.opcode() == TEXT) {
      requireUtf8(payload, 0);
    } else if (frame.opcode() == CLOSE && payload.length > 2) {
      requireUtf8(payload, 2);
    }
    return frame;
  }

  /** Reads frames until a text frame, answering pings; fails on a close. */
  String nextText() throws IOException {
    while (true) {
      Frame frame = next();
      switch (frame.opcode()) {
        case TEXT -> {
          return frame.text();
        }
        case PING -> send(true, PONG, frame.payload());
        case CLOSE -> throw new AssertionError("closed " + frame.closeCode() + " "
            + frame.closeReason() + " while waiting for a text frame");
        default -> { }
      }
    }
  }

  /**
   * Reads frames until the close frame, answers it as a client should, and returns it; skips
   * everything else.
   */
  Frame awaitClose() throws IOException {
    while (true) {
      Frame frame = next();
      if (frame.opcode() == CLOSE) {
        answerClose(frame);
        return frame;
      }
    }
  }

  private void answerClose(Frame close) {
    try {
      send(true, CLOSE, Arrays.copyOf(close.payload(), Math.min(2, close.payload().length)));
    } catch (IOException e) {
      // The server may have ended the connection already; the answer is a courtesy.
    }
  }

  /**
   * Reads until the server ends the TCP connection (end of stream or reset); returns the code of
   * the last close frame read on the way, or -1 when none came.
   *
   * @throws SocketTimeoutException when the connection stays open
   */
  int readToEnd() throws IOException {
    int code = -1;
    try {
      while (true) {
        Frame frame = next();
        if (frame.opcode() == CLOSE) {
          code = frame.closeCode();
        }
      }
    } catch (EOFException | SocketException e) {
      return code;
    }
  }

  /** Sets how long a read may wait. */
  void readTimeout(int millis) throws SocketException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static void requireUtf8(byte[] bytes, int offset) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
    } catch (CharacterCodingException e) {
      throw new AssertionError("the server sent invalid UTF-8", e);
    }
  }
}
