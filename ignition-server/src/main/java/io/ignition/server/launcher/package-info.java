/** The {@code java -jar} launcher: flags, environment and the config file. */
@NullMarked
package io.ignition.server.launcher;

import org.jspecify.annotations.NullMarked;
