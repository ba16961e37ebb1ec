package io.genalign.zoo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What the zoo records with every model's weights: how it was made (architecture, data, seed, steps,
 * optimiser, wall time, the command that reproduces it), the sha256 of each weight file, and the quality
 * figures measured on the 10,000 Fashion-MNIST test images.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
        @JsonProperty("name") String name,
        @JsonProperty("version") int version,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("data") String data,
        @JsonProperty("seed") long seed,
        @JsonProperty("steps") int steps,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("wall_seconds") double wallSeconds,
        @JsonProperty("parameters") long parameters,
        @JsonProperty("sha256") Map<String, String> sha256,
        @JsonProperty("quality") Map<String, Object> quality,
        @JsonProperty("command") String command,
        @JsonProperty("created") String created) {}
