package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models one command works with: a generator, named rewards, and optionally a feature extractor, a
 * discriminator and real samples, all for one image shape and one way of reading prompts. The built-in
 * Fashion-MNIST zoo and a user's model folder ({@code genalign-model.json}) are both model sets; commands and the
 * public API see nothing else.
 *
 * <p>Lifecycle: a provider opens the set (cheap: files are checked, nothing heavy is loaded); each part is loaded
 * on its first request into the set's own NDManager and then returned again on later requests (the caller must not
 * close parts); {@link #close()} releases everything. Not thread-safe: one set per thread.
 *
 * <p>Errors: asking for a part the set does not have throws {@link MissingPartException} naming the part; an
 * unknown prompt or reward name throws {@link IllegalArgumentException} listing what is accepted.
 */
public interface ModelSet extends AutoCloseable {
    /** Short name ({@code builtin}, or the manifest's {@code name}). */
    String name();

    /** Shape of one image (C, H, W); images are in [-1, 1]. */
    Shape imageShape();

    /** How prompts are read. */
    PromptKind promptKind();

    /** The accepted prompts for {@link PromptKind#CLASS} and {@link PromptKind#EMBEDDING}; empty for text. */
    List<String> knownPrompts();

    /** A prompt that works with this set (the demo's default). */
    String defaultPrompt();

    /**
     * The condition for {@code batchSize} samples of one prompt; an unknown prompt (class or embedding sets)
     * throws {@link IllegalArgumentException} listing the accepted ones.
     */
    Condition condition(String prompt, int batchSize);

    /** The canonical form of a prompt for reports and file names (the class name for class sets). */
    default String canonicalPrompt(String prompt) {
        return prompt;
    }

    /** The one-step generator. */
    Generator generator();

    /** Names of the rewards this set provides (model-independent ones, such as contrast, are not listed). */
    Set<String> rewardNames();

    /** The reward {@code name}, one of {@link #rewardNames()}. */
    Reward reward(String name);

    /**
     * Names of the rewards used as held-out judges when the user names none, in order of preference; commands take
     * the first ones that are not targets.
     */
    List<String> defaultHeldOut();

    /** Names of the default target rewards with their weights (the demo's default). */
    Map<String, Double> defaultTargets();

    /** The terms of the default preference judge ({@code genalign pairs}); by default the default targets. */
    default Map<String, Double> defaultJudge() {
        return defaultTargets();
    }

    /**
     * A multi-step sampler (e.g. a diffusion model with DDIM) seen as a generator from its initial noise, if the set
     * has one; used to make preference pairs.
     */
    default Optional<Generator> diffusionSampler() {
        return Optional.empty();
    }

    /** The feature extractor for FID, diversity and the particle flow's kernel, if the set has one. */
    Optional<FeatureExtractor> features();

    /**
     * The features the particle flow's kernel compares (φ in the latent-flow spec); by default the feature
     * extractor. The built-in GAN uses its discriminator's body, as the method's paper does.
     */
    default Optional<FeatureExtractor> kernelFeatures() {
        return features();
    }

    /** The discriminator, if the set has one. */
    Optional<Discriminator> discriminator();

    /**
     * Real images of a prompt, shape (N, C, H, W) in [-1, 1], owned by the set: for class sets with labelled real
     * samples the prompt's class, otherwise all real samples. Empty when the set has none.
     */
    Optional<NDArray> realSamples(String prompt);

    /**
     * Classifiers that score class agreement for class sets ({@code name → classifier}); empty when the set has
     * none. Used only for reports (e.g. the held-out classifier's share of the requested class).
     */
    default Map<String, Classifier> judges() {
        return Map.of();
    }

    /** What identifies this set in provenance: source (folder path or {@code builtin}) and a sha256 per file. */
    Map<String, Object> provenance();

    @Override
    void close();
}
