/** The built-in networks' architectures (generator, projection discriminator, classifier bodies) as DJL blocks. */
package io.genalign.zoo.arch;
