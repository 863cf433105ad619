package io.ignition.server.launcher;

/** A config file that cannot be used; the message names the file, the location and the rule. */
final class ConfigException extends Exception {
  ConfigException(String message) {
    super(message);
  }
}
