/** Transport and HTTP implementation; not API, may change without notice. */
@NullMarked
package io.ignition.server.internal;

import org.jspecify.annotations.NullMarked;
