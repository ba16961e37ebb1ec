/**
 * The public Java API: what the commands do, as calls, for any {@link io.genalign.core.model.ModelSet}.
 *
 * <p>Start with {@link io.genalign.api.Models#open(String)} ({@code builtin} or a model folder), then
 * {@link io.genalign.api.Alignment} (noise alignment with a report folder), {@link io.genalign.api.Sampling}
 * (images for a prompt) or {@link io.genalign.api.Judges} (preference judges from a set's rewards). The commands in
 * {@code io.genalign.cli} are thin shells over these classes; this package is the only place the command-line layer
 * names the built-in zoo for those commands. Model sets are opened and closed by the caller; the API never closes
 * them.
 */
package io.genalign.api;
