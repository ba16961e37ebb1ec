/**
 * Training the built-in models ({@code genalign zoo train MODEL}): recipes, options, resumable work folders and
 * checkpoints. Inference code does not depend on this package except for parameter loading.
 */
package io.genalign.zoo.train;
