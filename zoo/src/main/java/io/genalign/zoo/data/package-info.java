/** Fashion-MNIST from Debian's {@code dataset-fashion-mnist} (IDX files), for training and evaluating the zoo. */
package io.genalign.zoo.data;
