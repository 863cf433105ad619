package io.ignition.server.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content so that a crash at any moment leaves either the old content or the
 * new, never a mix or an empty file: the new text goes to a temporary file in the same directory,
 * is forced to disk, and is then renamed over the old file in one atomic step.
 */
final class AtomicFile {
  private AtomicFile() {}

  /**
   * Replaces the file's content with {@code text} in UTF-8. A symbolic link is followed, so the
   * file it points to is replaced and the link stays. The new file keeps the old one's POSIX
   * permissions.
   *
   * @throws IOException when the file cannot be written or renamed; it is then unchanged and no
   *     temporary file is left behind
   */
  static void write(Path path, String text) throws IOException {
    Path target = Files.exists(path) ? path.toRealPath() : path.toAbsolutePath();
    Path directory = target.getParent();
    Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
    try {
      copyPermissions(target, temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(directory);
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    if (Files.exists(from) && Files.getFileStore(to).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    }
  }

  /** Makes the rename itself durable where the platform allows syncing a directory. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // Windows cannot open a directory: the rename is then as durable as the OS makes it.
    }
  }
}
