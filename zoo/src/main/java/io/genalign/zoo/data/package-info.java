/** Fashion-MNIST from Debian's {@code dataset-fashion-mnist} (IDX files), for training and evaluating the zoo, and
 * {@link io.genalign.zoo.data.Permutation}, the seeded shuffles of training, DPO and evaluation. */
package io.genalign.zoo.data;
