/** The built-in networks' architectures (generator, projection discriminator, classifier bodies) as DJL blocks, and
 * {@link io.genalign.zoo.arch.BlockParameters}: parameter files (training and DPO outputs, weights loaded from a file,
 * checkpoints) is read and written there, so inference code needs nothing from {@code zoo.train}. */
package io.genalign.zoo.arch;
