/** Command-line client for trying an Ignition server from a terminal. */
@NullMarked
package io.ignition.client.cli;

import org.jspecify.annotations.NullMarked;
