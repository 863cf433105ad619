package io.ignition.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Many light WebSocket client connections driven by one selector thread, for load tests where a
 * full client per connection would be the bottleneck. Handlers run on that thread and may call
 * {@link Conn#send} directly. Supports what the server sends: unfragmented text, ping and close.
 */
final class NioClients implements AutoCloseable {
  /** Receives what one connection gets; runs on the selector thread. */
  interface Handler {
    void onText(Conn conn, String text);

    default void onClose(Conn conn, int code) {}

    /** Hears the reason of a close frame, just before {@link #onClose}. */
    default void onCloseReason(Conn conn, String reason) {}

    /** Hears each ping the server sends, before it is answered. */
    default void onPing(Conn conn) {}

    /** Whether the connection answers the server's pings; false plays a dead peer. */
    default boolean answersPings() {
      return true;
    }
  }

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Conn> conns = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;

  NioClients() throws IOException {
    selector = Selector.open();
    thread = new Thread(this::run, "nio-clients");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts connecting; the handler hears from the connection once it is upgraded. */
  Conn connect(InetSocketAddress address, String target, Handler handler) {
    Conn conn = new Conn(address, target, handler);
    conns.add(conn);
    execute(conn::open);
    return conn;
  }

  private void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    try {
      while (running) {
        selector.select();
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          ((Conn) key.attachment()).ready(key);
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      if (running) {
        throw new UncheckedIOException(new IOException("client selector failed", e));
      }
    }
  }

  /** Stops the selector thread and drops every connection still open, without a close frame. */
  @Override
  public void close() throws IOException {
    running = false;
    selector.close();
    for (Conn conn : conns) {
      conn.closeQuietly();
    }
  }

  /** One client connection; every method runs on, or hands work to, the selector thread. */
  final class Conn {
    private final InetSocketAddress address;
    private final String target;
    private final Handler handler;
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private ByteBuffer in = ByteBuffer.allocate(4096);
    private volatile SocketChannel channel;
    private SelectionKey key;
    private boolean upgraded;

    private Conn(InetSocketAddress address, String target, Handler handler) {
      this.address = address;
      this.target = target;
      this.handler = handler;
    }

    /** Sends one masked text frame. */
    void send(String text) {
      if (Thread.currentThread() != thread) {
        execute(() -> send(text));
        return;
      }
      write(frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Starts the close handshake with 1000; the server's answer reaches the handler. */
    void sendClose() {
      if (Thread.currentThread() != thread) {
        execute(this::sendClose);
        return;
      }
      write(frame(0x8, new byte[] {0x03, (byte) 0xe8}));
    }

    /** Drops the TCP connection without a close handshake. */
    void abort() {
      if (Thread.currentThread() != thread) {
        execute(this::abort);
        return;
      }
      closeQuietly();
    }

    private void open() {
      try {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(address);
        key = channel.register(selector, SelectionKey.OP_CONNECT, this);
      } catch (IOException e) {
        fail();
      }
    }

    private void ready(SelectionKey ready) {
      try {
        if (ready.isConnectable() && channel.finishConnect()) {
          key.interestOps(SelectionKey.OP_READ);
          write(ByteBuffer.wrap(handshake().getBytes(StandardCharsets.US_ASCII)));
        }
        if (ready.isValid() && ready.isWritable()) {
          flush();
        }
        if (ready.isValid() && ready.isReadable()) {
          read();
        }
      } catch (IOException e) {
        fail();
      }
    }

    private String handshake() {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      return "GET " + target + " HTTP/1.1\r\nHost: " + address.getHostString() + ":"
          + address.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
          + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private void read() throws IOException {
      if (!in.hasRemaining()) {
        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
      }
      if (channel.read(in) < 0) {
        fail();
        return;
      }
      in.flip();
      boolean progress = true;
      while (progress && channel.isOpen()) {
        progress = upgraded ? readFrame() : readUpgrade();
      }
      in.compact();
    }

    private boolean readUpgrade() throws IOException {
      for (int i = in.position(); i + 3 < in.limit(); i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r'
            && in.get(i + 3) == '\n') {
          byte[] head = new byte[i + 4 - in.position()];
          in.get(head);
          if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused");
          }
          upgraded = true;
          return true;
        }
      }
      return false;
    }

    private boolean readFrame() throws IOException {
      int start = in.position();
      if (in.remaining() < 2) {
        return false;
      }
      int opcode = in.get(start) & 0x0f;
      int length = in.get(start + 1) & 0x7f;
      int header = 2;
      if (length == 126) {
        header = 4;
        length = in.remaining() < 4 ? -1 : in.getShort(start + 2) & 0xffff;
      } else if (length == 127) {
        header = 10;
        length = in.remaining() < 10 ? -1 : (int) in.getLong(start + 2);
      }
      if (length < 0 || in.remaining() < header + length) {
        return false;
      }
      byte[] payload = new byte[length];
      in.position(start + header);
      in.get(payload);
      dispatch(opcode, payload);
      return true;
    }

    private void dispatch(int opcode, byte[] payload) {
      switch (opcode) {
        case 0x1 -> handler.onText(this, new String(payload, StandardCharsets.UTF_8));
        case 0x9 -> {
          handler.onPing(this);
          if (handler.answersPings()) {
            write(frame(0xA, payload));
          }
        }
        case 0x8 -> {
          int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
          closeQuietly();
          if (payload.length > 2) {
            handler.onCloseReason(this,
                new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
          }
          handler.onClose(this, code);
        }
        default -> { }
      }
    }

    private ByteBuffer frame(int opcode, byte[] payload) {
      int length = payload.length;
      int header = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
      ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
      frame.put((byte) (0x80 | opcode));
      if (header == 2) {
        frame.put((byte) (0x80 | length));
      } else if (header == 4) {
        frame.put((byte) (0x80 | 126)).putShort((short) length);
      } else {
        frame.put((byte) (0x80 | 127)).putLong(length);
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.put(mask);
      for (int i = 0; i < length; i++) {
        frame.put((byte) (payload[i] ^ mask[i & 3]));
      }
      return frame.flip();
    }

    private void write(ByteBuffer buffer) {
      outgoing.add(buffer);
      try {
        flush();
      } catch (IOException e) {
        fail();
      }
    }

    private void flush() throws IOException {
      while (!outgoing.isEmpty()) {
        ByteBuffer head = outgoing.peek();
        channel.write(head);
        if (head.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        outgoing.poll();
      }
      if (key.isValid()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    }

    private void fail() {
      boolean wasOpen = channel != null && channel.isOpen();
      closeQuietly();
      if (wasOpen) {
        handler.onClose(this, 1006);
      }
    }

    private void closeQuietly() {
      conns.remove(this);
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // Closing a test connection; nothing to report.
      }
    }
  }
}
