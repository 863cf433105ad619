/** Implementation of the core; not API, may change without notice. */
@NullMarked
package io.ignition.core.internal;

import org.jspecify.annotations.NullMarked;
