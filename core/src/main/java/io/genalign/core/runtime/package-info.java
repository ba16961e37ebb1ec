/**
 * Runtime set-up shared by everything: {@link io.genalign.core.runtime.EngineBootstrap} (the offline engine start,
 * one seed for every RNG, the device), {@link io.genalign.core.runtime.Tensors} (the only way genalign code creates a
 * base NDManager) and {@link io.genalign.core.runtime.Versions}. Invariant: {@code ai.djl.offline=true} before the
 * engine starts; nothing contacts a host.
 */
package io.genalign.core.runtime;
