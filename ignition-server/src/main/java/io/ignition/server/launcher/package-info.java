/** The {@code java -jar} launcher: flags, environment, and the config file with its key store. */
@NullMarked
package io.ignition.server.launcher;

import org.jspecify.annotations.NullMarked;
