package io.ignition.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until sockets whose kernel send buffer was full can take more, then hands them back to
 * their flush loop. Uses its own selector: the library's selector only ever reads our sockets.
 *
 * <p>Thread-safe: {@link #await} may be called from any thread.
 */
final class WritableWatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WritableWatcher.class);

  private final ConcurrentLinkedQueue<WsSocket> waiting = new ConcurrentLinkedQueue<>();
  private final Selector selector;
  private final Thread thread;
  private volatile boolean running = true;

  WritableWatcher(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Resumes the socket's flush once its channel is writable again. */
  void await(WsSocket socket) {
    waiting.offer(socket);
    selector.wakeup();
  }

  @Override
  public void run() {
    try {
      while (running) {
        selector.select();
        registerWaiting();
        resumeWritable();
      }
    } catch (IOException | ClosedSelectorException e) {
      if (running) {
        log.warn("write watcher stopped", e);
      }
    }
  }

  private void registerWaiting() {
    WsSocket socket;
    while ((socket = waiting.poll()) != null) {
      try {
        SelectionKey key = socket.channel().keyFor(selector);
        if (key == null) {
          socket.channel().register(selector, SelectionKey.OP_WRITE, socket);
        } else {
          key.interestOps(SelectionKey.OP_WRITE);
        }
      } catch (ClosedChannelException | CancelledKeyException e) {
        // Closed meanwhile: the resumed flush fails on the channel and cleans up.
        socket.resume();
      }
    }
  }

  private void resumeWritable() {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      WsSocket socket = (WsSocket) key.attachment();
      try {
        key.interestOps(0);
      } catch (CancelledKeyException e) {
        // Closed meanwhile; the flush below notices.
      }
      socket.resume();
    }
  }

  void stop() {
    running = false;
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("closing the write watcher's selector failed", e);
    }
  }
}
