package io.genalign.zoo;

import java.util.List;

/** Names of the trainable zoo models and the weight files each produces. */
public final class ZooModels {
    public static final String GAN = "gan";
    public static final String CLASSIFIER_A = "classifier-a";
    public static final String CLASSIFIER_B = "classifier-b";
    public static final String FEATURE_NET = "feature-net";
    /** The class-conditional diffusion model (its shipped weights are the EMA of the trained ones). */
    public static final String DIFFUSION = "diffusion";
    /** Every trainable model, in the order TrainAll trains them (the GAN's figures need the others). */
    public static final List<String> ALL = List.of(CLASSIFIER_A, CLASSIFIER_B, FEATURE_NET, GAN, DIFFUSION);

    private ZooModels() {}

    /** Throws IllegalArgumentException naming the accepted models. */
    public static String require(String name) {
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("unknown zoo model '" + name + "': expected one of "
                    + String.join(", ", ALL));
        }
        return name;
    }
}
