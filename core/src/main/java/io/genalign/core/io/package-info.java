/**
 * File formats: NumPy {@code .npy} ({@link io.genalign.core.io.Npy}, format 1.0-3.0, float32/float64, both byte
 * orders). Invariants: a malformed file is an exception naming the file and the problem, never a partial array;
 * writes are atomic; reading costs about the size of the data, not a multiple of it.
 */
package io.genalign.core.io;
