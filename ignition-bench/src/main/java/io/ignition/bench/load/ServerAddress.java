package io.ignition.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/** Resolves a server's {@code ws://host:port} once, before any connection is opened. */
final class ServerAddress {
  private ServerAddress() {}

  /**
   * Returns the resolved address of {@code url}; port 80 when it names none.
   *
   * @throws IOException when the host name does not resolve
   */
  static InetSocketAddress resolve(URI url) throws IOException {
    String host = url.getHost();
    InetSocketAddress address =
        new InetSocketAddress(host == null ? "" : host, url.getPort() < 0 ? 80 : url.getPort());
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve the server's host " + host + " (from " + url + ")");
    }
    return address;
  }
}
