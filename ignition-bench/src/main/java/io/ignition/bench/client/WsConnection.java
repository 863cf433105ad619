package io.ignition.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * One client WebSocket connection (RFC 6455) on a {@link Reactor}: it upgrades, answers pings and
 * close frames, and hands every text message to its {@link WsHandler}.
 *
 * <p>Not thread-safe: every method must run on the reactor's thread (handlers do). It supports
 * what a server sends: unfragmented text frames, ping, pong and close. Anything else (a binary or
 * fragmented message, a masked frame) fails the connection with 1006 and a reason.
 */
public final class WsConnection {
  private static final byte[] EMPTY = new byte[0];
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int OP_TEXT = 0x1;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  private static final int ABNORMAL = 1006;
  private static final int NO_STATUS = 1005;
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Reactor reactor;
  private final InetSocketAddress address;
  private final WsHandler handler;
  private final byte[] mask = new byte[4];
  private final String expectedAccept;
  private final String handshake;
  private @Nullable SocketChannel channel;
  private @Nullable SelectionKey key;
  private @Nullable ArrayDeque<ByteBuffer> backlog;
  /** The start of an incomplete frame (or response head) left over from the last read. */
  private byte[] carry = EMPTY;
  private int carryLength;
  private boolean upgraded;
  private boolean closed;

  WsConnection(Reactor reactor, InetSocketAddress address, String target, WsHandler handler) {
    this.reactor = reactor;
    this.address = address;
    this.handler = handler;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    random.nextBytes(mask);
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String secKey = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = accept(secKey);
    this.handshake = "GET " + target + " HTTP/1.1\r\nHost: " + address.getHostString() + ":"
        + address.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + secKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  /** Returns the reactor that drives this connection. */
  public Reactor reactor() {
    return reactor;
  }

  /** Returns whether the connection has ended, by either side. */
  public boolean closed() {
    return closed;
  }

  /** Sends one text message whose UTF-8 bytes are {@code payload[offset, offset + length)}. */
  public void sendText(byte[] payload, int offset, int length) {
    sendFrame(OP_TEXT, payload, offset, length);
  }

  /** Sends one text message. */
  public void sendText(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sendText(bytes, 0, bytes.length);
  }

  /** Sends a close frame with {@code code} and drops the connection; the handler hears nothing. */
  public void close(int code) {
    if (closed) {
      return;
    }
    byte[] status = {(byte) (code >>> 8), (byte) code};
    sendFrame(OP_CLOSE, status, 0, status.length);
    closed = true;
    closeChannel();
  }

  void open() {
    try {
      SocketChannel opened = SocketChannel.open();
      channel = opened;
      opened.configureBlocking(false);
      opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
      opened.connect(address);
      key = opened.register(reactor.selector(), SelectionKey.OP_CONNECT, this);
    } catch (IOException | RuntimeException e) {
      // RuntimeException: an unresolved or unsupported address; the run reports it, not a
      // reactor thread that died.
      fail("connect failed: " + e);
    }
  }

  void ready(SelectionKey ready) {
    try {
      if (ready.isValid() && ready.isConnectable() && channel().finishConnect()) {
        ready.interestOps(SelectionKey.OP_READ);
        byte[] request = handshake.getBytes(StandardCharsets.US_ASCII);
        write(ByteBuffer.wrap(request));
      }
      if (ready.isValid() && ready.isWritable()) {
        flushBacklog();
      }
      if (ready.isValid() && ready.isReadable()) {
        read();
      }
    } catch (IOException | RuntimeException e) {
      // RuntimeException: a handler's bug ends this connection, with the reason, and not the
      // reactor's thread with every other connection on it.
      fail(e.toString());
    }
  }

  private void read() throws IOException {
    ByteBuffer in = reactor.readBuffer;
    in.clear();
    in.put(carry, 0, carryLength);
    int read = channel().read(in);
    long now = System.nanoTime();
    if (read < 0) {
      fail("connection closed by the server without a close frame");
      return;
    }
    byte[] bytes = in.array();
    int end = in.position();
    int pos = 0;
    int consumed;
    while (!closed && (consumed = upgraded ? readFrame(bytes, pos, end, now)
        : readUpgrade(bytes, pos, end)) > 0) {
      pos += consumed;
    }
    keepCarry(bytes, closed ? end : pos, end);
  }

  private void keepCarry(byte[] bytes, int from, int end) throws IOException {
    carryLength = end - from;
    if (carryLength > reactor.readBuffer.capacity() / 2) {
      throw new IOException("a frame of more than " + reactor.readBuffer.capacity() / 2
          + " bytes; the bench client does not take frames that large");
    }
    if (carry.length < carryLength) {
      carry = new byte[Math.max(carryLength, 256)];
    }
    System.arraycopy(bytes, from, carry, 0, carryLength);
  }

  /** Returns the bytes the response head took, or 0 when it is not complete yet. */
  private int readUpgrade(byte[] bytes, int pos, int end) throws IOException {
    for (int i = pos; i + 3 < end; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r'
          && bytes[i + 3] == '\n') {
        checkUpgrade(new String(bytes, pos, i - pos, StandardCharsets.ISO_8859_1));
        upgraded = true;
        handler.onOpen(this);
        return i + 4 - pos;
      }
    }
    if (end - pos > MAX_HEADER_BYTES) {
      throw new IOException("upgrade response head over " + MAX_HEADER_BYTES + " bytes");
    }
    return 0;
  }

  private void checkUpgrade(String head) throws IOException {
    String[] lines = head.split("\r\n");
    if (!lines[0].startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + lines[0]);
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT)
          .equals("sec-websocket-accept")) {
        if (line.substring(colon + 1).trim().equals(expectedAccept)) {
          return;
        }
        throw new IOException("upgrade answered with a wrong Sec-WebSocket-Accept");
      }
    }
    throw new IOException("upgrade answered without Sec-WebSocket-Accept");
  }

  /** Returns the bytes the frame at pos took, or 0 when it is not complete yet. */
  private int readFrame(byte[] bytes, int pos, int end, long now) throws IOException {
    if (end - pos < 2) {
      return 0;
    }
    int first = bytes[pos] & 0xff;
    int second = bytes[pos + 1] & 0xff;
    if ((first & 0x80) == 0 || (second & 0x80) != 0) {
      throw new IOException("fragmented or masked frame from the server");
    }
    int header = 2;
    long length = second & 0x7f;
    if (length == 126) {
      header = 4;
      length = end - pos < header ? -1 : ((bytes[pos + 2] & 0xff) << 8) | (bytes[pos + 3] & 0xff);
    } else if (length == 127) {
      header = 10;
      length = end - pos < header ? -1 : longAt(bytes, pos + 2);
    }
    if (length < 0 || end - pos - header < length) {
      return 0;
    }
    dispatch(first & 0x0f, bytes, pos + header, (int) length, now);
    return header + (int) length;
  }

  private static long longAt(byte[] bytes, int at) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | (bytes[at + i] & 0xff);
    }
    return value;
  }

  private void dispatch(int opcode, byte[] bytes, int offset, int length, long now)
      throws IOException {
    switch (opcode) {
      case OP_TEXT -> handler.onText(this, bytes, offset, length, now);
      case OP_PING -> sendFrame(OP_PONG, bytes, offset, length);
      case OP_PONG -> { }
      case OP_CLOSE -> closedByServer(bytes, offset, length);
      default -> throw new IOException("unexpected frame opcode " + opcode + " from the server");
    }
  }

  private void closedByServer(byte[] bytes, int offset, int length) {
    int code = length >= 2 ? ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff)
        : NO_STATUS;
    String reason = length > 2
        ? new String(bytes, offset + 2, length - 2, StandardCharsets.UTF_8) : "";
    byte[] status = length >= 2 ? new byte[] {bytes[offset], bytes[offset + 1]} : EMPTY;
    sendFrame(OP_CLOSE, status, 0, status.length);
    closed = true;
    closeChannel();
    handler.onClose(this, code, reason);
  }

  /** Builds one masked frame in the reactor's write buffer and writes it. */
  private void sendFrame(int opcode, byte[] payload, int offset, int length) {
    if (closed || channel == null) {
      return;
    }
    ByteBuffer out = reactor.writeBuffer;
    if (length + 14 > out.capacity()) {
      out = ByteBuffer.allocate(length + 14);
    }
    out.clear();
    out.put((byte) (0x80 | opcode));
    if (length < 126) {
      out.put((byte) (0x80 | length));
    } else if (length <= 0xffff) {
      out.put((byte) (0x80 | 126)).putShort((short) length);
    } else {
      out.put((byte) (0x80 | 127)).putLong(length);
    }
    out.put(mask);
    for (int i = 0; i < length; i++) {
      out.put((byte) (payload[offset + i] ^ mask[i & 3]));
    }
    out.flip();
    try {
      write(out);
    } catch (IOException e) {
      fail(e.toString());
    }
  }

  private void write(ByteBuffer buffer) throws IOException {
    if (backlog != null && !backlog.isEmpty()) {
      backlog.add(copyOf(buffer));
      return;
    }
    channel().write(buffer);
    if (buffer.hasRemaining()) {
      if (backlog == null) {
        backlog = new ArrayDeque<>();
      }
      backlog.add(copyOf(buffer));
      key().interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private static ByteBuffer copyOf(ByteBuffer buffer) {
    ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
    return copy.put(buffer).flip();
  }

  private void flushBacklog() throws IOException {
    ArrayDeque<ByteBuffer> pending = backlog;
    while (pending != null && !pending.isEmpty()) {
      ByteBuffer head = pending.peek();
      channel().write(head);
      if (head.hasRemaining()) {
        return;
      }
      pending.poll();
    }
    key().interestOps(SelectionKey.OP_READ);
  }

  private void fail(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    closeChannel();
    handler.onClose(this, ABNORMAL, reason);
  }

  private void closeChannel() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // The connection is being dropped; there is nothing left to report.
    }
  }

  private SocketChannel channel() {
    SocketChannel current = channel;
    if (current == null) {
      throw new IllegalStateException("not connected");
    }
    return current;
  }

  private SelectionKey key() {
    SelectionKey current = key;
    if (current == null) {
      throw new IllegalStateException("not registered");
    }
    return current;
  }

  private static String accept(String secKey) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((secKey + WS_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
  }
}
