package io.genalign.zoo.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import io.genalign.core.model.Condition;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.folder.FolderModelSet;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.core.model.torchscript.TorchScriptEpsilon;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model folder's TorchScript epsilon network ({@code diffusion} section) as an {@link EpsilonModel}: the
 * policy is the module loaded with trainable parameters (DJL's parameters are the module's own tensors), the
 * reference a second, frozen load; weights are saved as a TorchScript file ({@code policy.pt}) that PyTorch's
 * {@code torch.jit.load} reads, and checkpoints are such files too.
 */
public final class FolderEpsilon implements EpsilonModel {
    private final TorchScriptEpsilon module;

    FolderEpsilon(TorchScriptEpsilon module) {
        this.module = module;
    }

    /** The TorchScript module. */
    public TorchScriptEpsilon module() {
        return module;
    }

    @Override
    public NDArray predict(ParameterStore ps, NDArray x, int[] t, Condition condition, boolean training) {
        return module.predict(x, t, condition);
    }

    @Override
    public ParameterList parameters() {
        return module.parameters();
    }

    @Override
    public void close() {
        module.close();
    }

    /** The family of {@code set}'s diffusion network (the set must stay open while it is used). */
    public static Family family(FolderModelSet set) {
        ModelFolder.DiffusionSpec spec = set.requireDiffusion("genalign dpo --model");
        NoiseSchedule schedule = new NoiseSchedule(spec.alphasCumprod());
        return new Family() {
            @Override
            public NoiseSchedule schedule() {
                return schedule;
            }

            @Override
            public EpsilonModel load(NDManager manager, Path file, boolean trainable) {
                return new FolderEpsilon(set.loadEpsilon(file, trainable));
            }

            @Override
            public void save(EpsilonModel model, Path file) throws IOException {
                ((FolderEpsilon) model).module.save(file);
            }

            @Override
            public String weightsFileName() {
                return "policy.pt";
            }

            @Override
            public String problem(PreferencePairs.Pair p) {
                try {
                    set.condition(p.prompt(), 1);
                    if (set.promptKind() == PromptKind.CLASS && p.classId() != set.condition(p.prompt(), 1).classId(0)) {
                        return "pair at line " + p.line() + ": prompt '" + p.prompt() + "' is class "
                                + set.condition(p.prompt(), 1).classId(0) + ", the line says " + p.classId();
                    }
                    return null;
                } catch (IllegalArgumentException e) {
                    return "pair at line " + p.line() + ": " + e.getMessage();
                }
            }
        };
    }
}
