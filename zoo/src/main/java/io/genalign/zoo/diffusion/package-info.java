/**
 * The built-in class-conditional diffusion model: noise schedule, U-Net, training loss and the DDIM sampler that
 * makes it a {@link io.genalign.core.model.Generator} from its initial noise.
 */
package io.genalign.zoo.diffusion;
